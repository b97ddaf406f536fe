using System.CommandLine;
using Pmap.Core;
using Pmap.Core.Arch;
using Pmap.Core.Scenarios;

using Pmap.Host.Views;

namespace Pmap.Host.Commands;

/// <summary>pmap compare: the architectures side by side for one MFN.</summary>
public static class CompareCommand
{
    public static Command Build(CommandIo io)
    {
        var archs = new Option<string?>("--archs") { Description = "Comma-separated architectures (default: all loaded); --arch A,B works too" };
        var mfn = new Option<string>("--mfn") { Description = "The MFN pmap_map maps on each (default 0x12345)", DefaultValueFactory = _ => "0x12345" };
        var cmd = new Command("compare", "The architectures side by side: paging levels, VA/PA bits, the fixmap and its direction, the PMAP slot addresses, the PTE pmap_map writes and the instructions arch_pmap_map / arch_pmap_unmap run.")
            .WithExamples("pmap compare", "pmap compare --arch arm64,arm32 --mfn 0x40000 --json");
        cmd.WithOptions(archs, mfn);
        cmd.SetAction(p => io.Execute(p, c =>
        {
            var frame = Args.Mfn(p.GetValue(mfn)!);
            var rows = Names(c, p.GetValue(archs) ?? c.Global.Arch).Select(n =>
            {
                var arch = c.Registry.Find(n).Architecture;
                var model = c.Registry.Create(arch, c.Global.Request(n) with { Profile = c.Global.Profile is { } pr && arch.ProfileNames().Contains(pr) ? pr : null });
                if (frame.Value > model.Format.MaxMfn)
                    throw new PmapUsageException($"MFN {Hex.Format(frame.Value)} is beyond {model.Name}'s {model.Format.PaBits}-bit physical addresses");
                return CompareView.From(model, PmapSequence.Observe(model, frame));
            }).ToList();
            return c.Show(new CompareDto(Hex.Format(frame.Value), rows), CompareView.Render);
        }));
        return cmd;
    }

    /// <summary>The architectures asked for, or all loaded ones: the configured default first, then by name.</summary>
    private static List<string> Names(CommandContext c, string? list)
    {
        var names = list is null
            ? c.Registry.Names.OrderBy(n => n == c.Registry.Options.Architecture ? 0 : 1).ThenBy(n => n, StringComparer.Ordinal).ToList()
            : list.Split(",", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        return names.Count == 0 ? throw new PmapUsageException("no architecture to compare") : names;
    }
}
