using System.CommandLine;
using System.Diagnostics;
using Pmap.Core;
using Pmap.Core.Arch;
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
            + "shortest sequence found that still reaches it. --arch all, --profile all, lists and ARCH:PROFILE pairs run each pair "
            + "in parallel across the cores, one result per pair and the totals.")
            .WithExamples("pmap fuzz --arch arm64 --count 1000000 --seed 7", "pmap fuzz --arch riscv --profile xen-4.20.0 --json",
                "pmap fuzz --arch all --profile all");
        cmd.WithOptions(count.Option, seed, count.Old);
        cmd.SetAction(p => io.Execute(p, c =>
        {
            var n = count.Read(p) ?? PmapFuzz.DefaultCount;
            var s = p.GetValue(seed) is { } st ? Args.ParseNonNegative(st, "--seed") : PmapFuzz.DefaultSeed;
            if (ModelSelection.Several(c.Global)) return RunPairs(io, c, n, s);
            var model = c.Model();
            var report = PmapFuzz.Run(model, n, s);
            var code = c.Show(FuzzView.From(report), FuzzView.Render, report.Clean ? ExitCodes.Success : ExitCodes.Findings);
            ReportFindings(io, "", report);
            return code;
        }));
        return cmd;
    }

    private static void ReportFindings(CommandIo io, string pair, FuzzReport report)
    {
        foreach (var f in report.Findings.OrderBy(f => f.At))
            io.Err.WriteLine($"pmap: {pair}finding at operation {f.At}: {f.Site} ({f.Shrunk.Count} operations: {string.Join("; ", f.Shrunk)})");
    }

    /// <summary>
    /// Each (architecture, profile) pair's run, in parallel across the cores: each has its own model and machine. A pair whose
    /// plugin or model fails, or whose Xen dies at boot, is reported and skipped. Exit 4 on any finding, else 1 when a Xen died
    /// (as a single run exits), else 3 when a plugin or model failed, else 0.
    /// </summary>
    private static int RunPairs(CommandIo io, CommandContext c, long n, ulong seed)
    {
        // No --arch is the configured architecture, as for one run, unless ARCH:PROFILE pairs choose.
        var archList = c.Global.Arch ?? (ModelSelection.Pairs(c.Global.Profile) is null ? c.Registry.Options.Architecture : null);
        var pairs = ModelSelection.Choices(c, archList, profileEverywhere: true, allowAll: true);
        // Made one after another (a model's warnings go to stderr), run side by side.
        var models = pairs.Select(pair => Make(c, pair.Arch, pair.Profile)).ToList();
        var outcomes = new (FuzzReport? Report, ErrorDto? Error)[models.Count];
        var wall = Stopwatch.StartNew();
        Parallel.For(0, models.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
            outcomes[i] = models[i].Model is { } model ? Run(model, n, seed) : (null, models[i].Error));
        wall.Stop();

        var runs = new List<FuzzDto>();
        var skipped = new List<FuzzSkippedDto>();
        for (var i = 0; i < pairs.Count; i++)
        {
            var (arch, profile) = (pairs[i].Arch.Name, models[i].Model?.Profile ?? pairs[i].Profile);
            if (outcomes[i].Report is { } report)
            {
                runs.Add(FuzzView.From(report));
                ReportFindings(io, $"{arch} {profile}: ", report);
            }
            else
            {
                var error = outcomes[i].Error!;
                skipped.Add(new FuzzSkippedDto(arch, profile, error));
                io.Err.WriteLine(io.Line($"pmap: {arch} {profile ?? "(default profile)"} skipped: {error.Message}"));
            }
        }
        var ops = runs.Sum(r => r.Ops);
        var seconds = wall.Elapsed.TotalSeconds;
        var totals = new FuzzTotalsDto(runs.Count, runs.Count(r => r.Findings.Count > 0), skipped.Count, ops, Math.Round(seconds, 3),
            Math.Round(ops / Math.Max(seconds, 1e-9)));
        var code = totals.WithFindings > 0 ? ExitCodes.Findings
            : skipped.Count == 0 ? ExitCodes.Success
            : skipped.Any(s => s.Error.Kind is ErrorKind.Assert or ErrorKind.Bug or ErrorKind.Panic) ? ExitCodes.XenCrash
            : ExitCodes.PluginOrConfig;
        return c.Show(new FuzzPairsDto(runs, skipped, totals), FuzzView.Render, code);
    }

    private static (ArchModel? Model, ErrorDto? Error) Make(CommandContext c, IArchitecture arch, string? profile)
    {
        try
        {
            return (c.Registry.Create(arch, c.Global.Request(arch.Name) with { Profile = profile }, c.Note), null);
        }
        catch (Exception e) when (e is not (PmapUsageException or PmapEnvironmentException))
        {
            return (null, Failure(e));
        }
    }

    private static (FuzzReport? Report, ErrorDto? Error) Run(ArchModel model, long n, ulong seed)
    {
        try
        {
            return (PmapFuzz.Run(model, n, seed), null);
        }
        catch (Exception e) when (e is not PmapEnvironmentException)
        {
            return (null, Failure(e));
        }
    }

    /// <summary>Why a pair could not run, as the error of a single run would say it (a profile refused at its first use included).</summary>
    private static ErrorDto Failure(Exception e) => CommandIo.KnownError(e) ?? new ErrorDto(ErrorKind.Plugin, CommandIo.InternalError(e));
}
