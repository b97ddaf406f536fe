using System.CommandLine;
using Pmap.Core;
using Pmap.Core.Scenarios;

using Pmap.Host.Views;

namespace Pmap.Host.Commands;

/// <summary>pmap bench: one benchmark workload (bench/cbench is its C twin) on the real Core and plugin, trace off, one JSON line.</summary>
public static class BenchCommand
{
    public static Command Build(CommandIo io)
    {
        var workload = CommandOptions.Choice("--workload", "W1 (map+touch+unmap), W2 (walks, TLB bypassed) or W3 (boot-map at 4K)", Workloads.Names);
        // A billion operations is minutes of work.
        var count = CommandOptions.Count("Operations (W1, W2; default 20000000) or verifying walks (W3; default 1000000)", 1_000_000_000, "--n");
        var ramSize = CommandOptions.RamSize("W3: RAM to map, whole GiB from 1G to 1024G (default 1G)");
        var gib = CommandOptions.Deprecated<string?>("--gib", v => $"--ram-size {v}G");
        var cmd = new Command("bench", "Run one performance workload (W1–W3; bench/cbench is their C twin) and print one JSON line.")
            .WithExamples("pmap bench --workload W1", "pmap bench --workload W3 --ram-size 16G");
        cmd.WithOptions(workload, count.Option, ramSize, count.Old, gib);
        cmd.SetAction(p => io.Execute(p, c =>
            Run(io, c, p.GetValue(workload)!, count.Read(p), RamGib(p.GetValue(ramSize), p.GetValue(gib)))));
        return cmd;
    }

    /// <summary>W3's RAM in GiB: --ram-size in whole GiB, or the old --gib count.</summary>
    private static int RamGib(string? size, string? oldGib)
    {
        if (size is null) return oldGib is null ? 1 : (int)Math.Min(Args.ParseNonNegative(oldGib, "--gib"), int.MaxValue);
        var bytes = Args.Size(size, "--ram-size");
        if (bytes % (1UL << 30) != 0) throw new PmapUsageException($"--ram-size {size}: the W3 workload maps whole GiB, e.g. 1G, 16G");
        return (int)Math.Min(bytes >> 30, int.MaxValue);
    }

    private static int Run(CommandIo io, CommandContext c, string workload, long? n, int gib)
    {
        var w = Workloads.Find(workload) ?? throw new PmapUsageException(
            $"--workload '{workload}' is not a workload: expected W1, W2 or W3{Spelling.Hint(workload, Workloads.Names)}");
        var model = c.Model();
        var arch = c.Registry.Find(model.Name).Architecture;
        if (gib is < 1 or > 1024) throw new PmapUsageException($"--ram-size {gib}G is out of range: expected 1G to 1024G");

        var unoptimised = new[] { typeof(Workloads).Assembly, arch.GetType().Assembly }.Where(JitOptimizerDisabled).Select(a => a.GetName().Name);
        if (string.Join(", ", unoptimised) is { Length: > 0 } names)
            io.Err.WriteLine($"pmap: warning: {names} built without optimisation (Debug): the numbers are not meaningful; use -c Release");

        // Warm up on the same workload, discarded, as bench/cbench-cs does: short runs, each followed by a pause in which
        // tiered compilation (which starts counting calls only after 100 ms without a new first-tier compile, and compiles
        // hot methods in the background) can finish, so that the timed run measures optimised code and not the JIT's work.
        for (var i = 0; i < 3; i++)
        {
            _ = Workloads.Run(w, arch, model.Settings, w == Workload.W3 ? 100_000 : 2_000_000, 1);
            Thread.Sleep(200);
        }
        // The warm-up's frames are pinned, which only a full collection frees: free them now so that the timed run reuses their memory.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        var r = Workloads.Run(w, arch, model.Settings, n, gib, settle: WaitForJitIdle);
        Json.WriteLine(io.Out, new BenchDto(r.Workload, r.Arch, r.Profile, r.Gib, r.Ops, Math.Round(r.NsPerOp, 2), Math.Round(r.CpuNsPerOp, 2),
            Math.Round(r.Seconds, 4), Math.Round(r.VerifySeconds, 4), r.PeakRssBytes, r.TlbMisses, r.Tables, r.Frames, r.Check ? "ok" : "FAILED"));
        return r.Check ? ExitCodes.Success : ExitCodes.PluginOrConfig; // the model failed its own check, as boot's verification
    }

    /// <summary>
    /// Waits (3 s at most) until tiered compilation has compiled nothing for 300 ms: what the warm-up and the timed run's own
    /// set-up made hot is compiled in the background, and its CPU time would otherwise land in the timed part's (a shorter
    /// quiet spell still let a burst of about 100 methods, 40 ms of CPU, fall into some runs).
    /// </summary>
    private static void WaitForJitIdle()
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        var compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
        for (var idle = 0; idle < 3 && waited.Elapsed < TimeSpan.FromSeconds(3);)
        {
            Thread.Sleep(100);
            var now = System.Runtime.JitInfo.GetCompiledMethodCount();
            idle = now == compiled ? idle + 1 : 0;
            compiled = now;
        }
    }

    /// <summary>A Debug build's assemblies ask the JIT not to optimise: [Debuggable(DisableOptimizations)].</summary>
    private static bool JitOptimizerDisabled(System.Reflection.Assembly a) =>
        a.GetCustomAttributes(typeof(System.Diagnostics.DebuggableAttribute), false)
            is [System.Diagnostics.DebuggableAttribute { IsJITOptimizerDisabled: true }, ..];
}

/// <summary>One workload run as `pmap bench` prints it: one JSON line, the fields bench/cbench prints too.</summary>
public sealed record BenchDto(string Workload, string Arch, string Profile, int Gib, long Ops, double NsPerOp, double CpuNsPerOp, double Seconds,
    double VerifySeconds, long PeakRssBytes, long TlbMisses, long Tables, long Frames, string Check);
