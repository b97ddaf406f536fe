using System.CommandLine;
using Pmap.Core;
using Pmap.Core.Arch;
using Pmap.Core.Machine;
using Pmap.Core.Scenarios;
using Pmap.Host.Views;

namespace Pmap.Host.Commands;

/// <summary>pmap hazards: the port's sequences checked against its architecture's maintenance rules.</summary>
public static partial class HazardsCommand
{
    public static Command Build(CommandIo io)
    {
        var why = new Option<bool>("--why")
        {
            Description = "Delete each store, barrier, invalidation and isb of the hooks in turn and say which rule needs it",
        };
        var mapSeq = new Option<string?>("--map-seq")
        {
            Description = "Replace arch_pmap_map's instructions with these, ';'-separated words of the port's vocabulary " +
                          "(str/strd/sd/mov/pte: the hook's PTE store)",
        };
        var unmapSeq = new Option<string?>("--unmap-seq") { Description = "Replace arch_pmap_unmap's instructions likewise" };
        var litmus = new Option<string?>("--litmus")
        {
            Description = "Write the checked map and unmap sequences (and each less one instruction) as litmus tests into this folder",
        };
        var (xenImage, xenSyms, staticMode) = RealOptions();
        var cmd = new Command("hazards",
                "Run the standard scenarios under the architecture's translation-table maintenance rules and list every rule a sequence breaks " +
                "(exit 0 clean, 4 hazards found, 3 a port that states no rules).")
            .WithOptions(why, mapSeq, unmapSeq, litmus, xenImage, xenSyms, staticMode)
            .WithExamples("pmap hazards --arch arm64 --profile xen-4.17", "pmap hazards --arch riscv --why", "pmap hazards --arch x86 --json",
                "pmap hazards --arch arm64 --map-seq \"dsb sy; str; dsb sy\" --why",
                "pmap hazards --arch arm64 --unmap-seq \"str; dsb ishst; tlbi vae2is; dsb ish; isb\" --litmus tests-out",
                "pmap hazards --arch arm64 --profile xen-4.17 --xen-image boot/xen-4.17-arm64 --xen-syms usr/lib/debug/boot/xen-syms-4.17-arm64",
                "pmap hazards --arch arm64 --profile xen-4.17 --xen-syms usr/lib/debug/boot/xen-syms-4.17-arm64 --static --why");
        cmd.SetAction(p => io.Execute(p, c =>
        {
            if (RealRequest(p, xenImage, xenSyms, staticMode, mapSeq, unmapSeq, litmus) is { } real) return RunReal(io, c, real, p.GetValue(why));
            var model = c.Model();
            if (!model.Maintenance.Stated)
                throw new PmapPluginException(model.Name, "states no maintenance rules: nothing could be checked, so no verdict is given");
            var map = Sequence(model, "--map-seq", p.GetValue(mapSeq));
            var unmap = Sequence(model, "--unmap-seq", p.GetValue(unmapSeq));
            var sequences = map is null && unmap is null ? null : new HookSequences(map, unmap);
            var dir = p.GetValue(litmus);
            var writer = dir is null ? null : model as ILitmusWriter
                ?? throw new PmapUsageException($"--litmus: {model.Name} has no formal model to write litmus tests for (arm64 has)");
            var report = HazardScenarios.Run(model, sequences: sequences);
            var verdicts = p.GetValue(why) ? WhyAnalysis.Run(model, report, sequences) : null;
            var files = writer is null ? null : WriteLitmus(writer, model, report, dir!);
            var dto = HazardsView.From(model, report, verdicts, sequences, files);
            return c.Show(dto, HazardsView.Render, report.Clean ? ExitCodes.Success : ExitCodes.Findings);
        }, oneArchitecture: true));
        return cmd;
    }

    private static HookSequence? Sequence(ArchModel model, string option, string? text)
    {
        if (text is null) return null;
        return HookSequence.Parse(text, model.Instructions, out var error) ?? throw new PmapUsageException($"{option}: {error}");
    }

    // Each test through OutputFile, as every file pmap writes: whole or not at all.
    private static List<string> WriteLitmus(ILitmusWriter writer, ArchModel model, HazardReport report, string dir)
    {
        try
        {
            Directory.CreateDirectory(dir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PmapUsageException($"--litmus '{Hex.Echo(dir)}': cannot write the litmus tests: {e.Message}");
        }
        return LitmusExport.Tests(writer, model, report).Select(t =>
        {
            var path = Path.GetFullPath(Path.Combine(dir, t.FileName));
            OutputFile.Write("--litmus", path, w => w.Write(t.Text));
            return path;
        }).ToList();
    }
}
