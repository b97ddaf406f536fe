using System.CommandLine;
using Pmap.Core;
using Pmap.Core.Scenarios;
using Pmap.Host.Views;

namespace Pmap.Host.Commands;

/// <summary>pmap fuzz: random map/unmap/touch/state/IRQ operations on a real port, every invariant checked after each.</summary>
public static class FuzzCommand
{
    public static Command Build(CommandIo io)
    {
        var count = CommandOptions.Count("Operations to run (default 100000)", 100_000_000, "--ops");
        var seed = new Option<string?>("--seed") { Description = "Seed of the operation sequence (default 1); the same seed replays the same run" };
        var cmd = new Command("fuzz", "Run random pmap_map / pmap_unmap / touch / system_state / IRQ operations on an architecture "
            + "and check pmap.c's invariants after each. Every stop of Xen is sorted by site into a refusal pmap.c's contract allows "
            + "or a finding (a check on what pmap_map handed out, an ordering hazard, a broken invariant); a finding exits 4 with the "
            + "shortest sequence found that still reaches it.")
            .WithExamples("pmap fuzz --arch arm64 --count 1000000 --seed 7", "pmap fuzz --arch riscv --profile xen-4.20.0 --json");
        cmd.WithOptions(count.Option, seed, count.Old);
        cmd.SetAction(p => io.Execute(p, c =>
        {
            var model = c.Model();
            var n = count.Read(p) ?? PmapFuzz.DefaultCount;
            var s = p.GetValue(seed) is { } st ? Args.ParseNonNegative(st, "--seed") : PmapFuzz.DefaultSeed;
            var report = PmapFuzz.Run(model, n, s);
            var code = c.Show(FuzzView.From(report), FuzzView.Render, report.Clean ? ExitCodes.Success : ExitCodes.Findings);
            foreach (var f in report.Findings.OrderBy(f => f.At))
                io.Err.WriteLine($"pmap: finding at operation {f.At}: {f.Site} ({f.Shrunk.Count} operations: {string.Join("; ", f.Shrunk)})");
            return code;
        }));
        return cmd;
    }
}
