using System.CommandLine;
using Pmap.Core;
using Pmap.Core.Scenarios;

using Pmap.Host.Views;

namespace Pmap.Host.Commands;

/// <summary>pmap compare: the architectures side by side for one MFN.</summary>
public static class CompareCommand
{
    public static Command Build(CommandIo io)
    {
        var archs = CommandOptions.Deprecated<string?>("--archs", v => $"--arch {v}");
        var mfn = CommandOptions.Mfn("The MFN pmap_map maps on each");
        var cmd = new Command("compare", "The architectures side by side: paging levels, VA/PA bits, the fixmap and its direction, "
                + "the PMAP slot addresses, the PTE pmap_map writes and the instructions arch_pmap_map / arch_pmap_unmap run.")
            .WithExamples("pmap compare", "pmap compare --arch arm64,arm32 --mfn 0x40000 --json",
                "pmap compare --arch arm64,x86 --profile arm64:xen-4.17", "pmap compare --profile arm64:xen-4.17,arm64:upstream");
        cmd.WithOptions(mfn, archs);
        cmd.SetAction(p => io.Execute(p, c =>
        {
            var frame = c.OneMfn(p.GetValue(mfn)!, "compare");
            var rows = ModelSelection.Models(c, c.Global.Arch ?? p.GetValue(archs), profileEverywhere: false, defaultFirst: true).Select(model =>
            {
                if (frame.Value > model.Format.MaxMfn)
                    throw new PmapUsageException(
                        $"MFN {Hex.Format(frame.Value)} is beyond {model.Name}'s {model.Format.PaBits}-bit physical addresses");
                return CompareView.From(model, PmapSequence.Observe(model, frame));
            }).ToList();
            return c.Show(new CompareDto(Hex.Format(frame.Value), rows) { Releases = Releases(c, rows) }, CompareView.Render);
        }));
        return cmd;
    }

    // Two or more profiles of one architecture that models releases: each column's release, as `pmap versions` lists it.
    private static List<ReleaseDto?>? Releases(CommandContext c, List<CompareArchDto> rows)
    {
        if (rows.Count < 2 || rows.Any(r => r.Arch != rows[0].Arch)) return null;
        var versions = VersionsView.From(c.Registry.Find(rows[0].Arch).Architecture);
        return rows.Select(r =>
        {
            var profile = versions.Aliases.FirstOrDefault(a => a.Alias == r.Profile)?.Profile ?? r.Profile;
            return versions.Releases.FirstOrDefault(x => x.Profile == profile);
        }).ToList();
    }
}
