#pragma warning disable CS1591 // Not yet documented member by member; the types say what they are.
using Pmap.Core.Arch;
using Pmap.Core.Machine;

namespace Pmap.Core.Scenarios;

/// <summary>What a random operation does: map a frame, unmap or touch the k-th live mapping, change system_state or the IRQ count.</summary>
public enum FuzzOpKind
{
    Map,
    Unmap,
    Touch,
    State,
    Irq,
}

/// <summary>One random operation; <see cref="Arg"/> is the frame, the live index, the state or the IRQ count.</summary>
public readonly record struct FuzzOp(FuzzOpKind Kind, ulong Arg)
{
    public override string ToString() => Kind switch
    {
        FuzzOpKind.Map => $"pmap_map({Hex.Format(Arg)})",
        FuzzOpKind.Unmap => $"pmap_unmap(live[{Arg}])",
        FuzzOpKind.Touch => $"touch(live[{Arg}])",
        FuzzOpKind.State => $"system_state = {((SystemState)Arg).XenName()}",
        _ => $"local_irq_count = {Arg}",
    };
}

/// <summary>What a fuzz run did: operations by kind, every stop and hazard by site, and each finding's first occurrence, shrunk.</summary>
public sealed record FuzzReport(string Arch, string Profile, ulong Seed, long Ops, long Maps, long Unmaps, long Touches,
    IReadOnlyList<FuzzSiteCount> Sites, IReadOnlyList<FuzzFinding> Findings)
{
    /// <summary>Operations Xen's own checks stopped (refusals and findings alike): the old single count.</summary>
    public long XenCrashes => Sites.Where(s => s.Site.Kind is not (FuzzSiteKind.Hazard or FuzzSiteKind.Invariant)).Sum(s => s.Count);

    /// <summary>No finding: every stop was a refusal the contract allows, and every invariant held.</summary>
    public bool Clean => Findings.Count == 0;
}

/// <summary>
/// Random pmap_map / pmap_unmap / touch / system_state / IRQ sequences on a real port, checking after every operation: the
/// bitmap equals the valid PMAP entries, the in-use count equals the live mappings, every live slot translates (through the
/// TLB and by a walk) to its frame and holds what was stored, an unmapped slot faults (no stale TLB entry), and an ASSERT,
/// BUG or panic changes nothing. Each stop of Xen is sorted by site into a refusal pmap.c's contract allows or a finding
/// (<see cref="FuzzStops"/>); so is each ordering hazard. A run goes on past a finding that left the state intact, so that
/// one run finds every site; a broken invariant ends it.
/// </summary>
public static class PmapFuzz
{
    private const ulong FirstFrame = 0x40000;

    /// <summary>Operations a run does unless told otherwise: long enough for xen-4.17 to show both seed bugs from every seed the tests try.</summary>
    public const long DefaultCount = 100_000;

    /// <summary>The seed a run uses unless told otherwise.</summary>
    public const ulong DefaultSeed = 1;

    /// <summary>The operations a seed gives: xorshift64, weighted towards map, unmap and touch.</summary>
    public static IEnumerable<FuzzOp> Operations(ulong seed, long count)
    {
        var x = seed == 0 ? 0x9e3779b97f4a7c15 : seed;
        for (long i = 0; i < count; i++)
        {
            var r = Workloads.XorShift64(ref x);
            var pick = r % 100;
            var arg = (r >> 8) & 0xffff;
            yield return pick switch
            {
                < 35 => new(FuzzOpKind.Map, FirstFrame + (arg & 0xfff)),
                < 65 => new(FuzzOpKind.Unmap, arg),
                < 94 => new(FuzzOpKind.Touch, arg),
                // Mostly back to early_boot, where PMAP may run, now and then a state where its ASSERTs fire.
                < 97 => new(FuzzOpKind.State, (arg & 3) == 0 ? (ulong)SystemState.SmpBoot : (ulong)SystemState.EarlyBoot),
                _ => new(FuzzOpKind.Irq, arg & 1),
            };
        }
    }

    /// <summary>Runs <paramref name="count"/> operations from <paramref name="seed"/>; each finding's first occurrence is shrunk.</summary>
    public static FuzzReport Run(ArchModel model, long count, ulong seed)
    {
        var run = new FuzzRun(model);
        var first = new List<(FuzzSite Site, long At, string Detail)>();
        long done = 0;
        foreach (var op in Operations(seed, count))
        {
            var outcome = run.Apply(op);
            done++;
            if (outcome is not { } o) continue;
            if (!first.Exists(f => f.Site == o.Site)) first.Add((o.Site, done - 1, o.Detail));
            if (o.Fatal) break;
        }
        var findings = first.Select(f =>
        {
            var shrunk = Shrink(model, Operations(seed, f.At + 1).ToList(), f.Site);
            return new FuzzFinding(f.Site, f.At, Describe(model, shrunk, f.Site) ?? f.Detail, shrunk);
        }).ToList();
        return new FuzzReport(model.Name, model.Profile, seed, done, run.Maps, run.Unmaps, run.Touches, run.Sites, findings);
    }

    /// <summary>The first finding the sequence reaches, or null: its site and what happened.</summary>
    public static (FuzzSite Site, string Detail)? Check(ArchModel model, IEnumerable<FuzzOp> ops)
    {
        var run = new FuzzRun(model);
        foreach (var op in ops)
            if (run.Apply(op) is { } o) return (o.Site, o.Detail);
        return null;
    }

    /// <summary>Past this length the pairwise and argument passes would cost too many replays; delta debugging alone stays.</summary>
    private const int FineShrinkLimit = 24;

    /// <summary>
    /// Delta debugging: drop chunks, then single operations, while the sequence still reaches a finding at <paramref name="site"/>.
    /// Then, on a short sequence, any two operations at once and smaller live indexes (an unmap or touch names a live mapping by
    /// index, so a map often goes only with the unmap after it, and dropping one operation moves the mapping a later one names),
    /// until nothing more goes.
    /// </summary>
    public static IReadOnlyList<FuzzOp> Shrink(ArchModel model, IReadOnlyList<FuzzOp> failing, FuzzSite site)
    {
        var ops = failing.ToList();
        while (true)
        {
            ops = DropChunks(model, ops, site);
            if (ops.Count > FineShrinkLimit) return ops;
            var smaller = WithoutAPair(model, ops, site) ?? WithoutOneRetargeted(model, ops, site) ?? WithASmallerIndex(model, ops, site);
            if (smaller is null) return ops;
            ops = smaller;
        }
    }

    private static List<FuzzOp> DropChunks(ArchModel model, List<FuzzOp> ops, FuzzSite site)
    {
        for (var chunk = Math.Max(1, ops.Count / 2); chunk >= 1; chunk /= 2)
        {
            for (var start = 0; start < ops.Count;)
            {
                var candidate = ops.Take(start).Concat(ops.Skip(start + chunk)).ToList();
                if (candidate.Count > 0 && Reaches(model, candidate, site)) ops = candidate;
                else start += chunk;
            }
        }
        return ops;
    }

    private static List<FuzzOp>? WithoutAPair(ArchModel model, List<FuzzOp> ops, FuzzSite site)
    {
        for (var i = 0; i < ops.Count; i++)
        {
            for (var j = i + 1; j < ops.Count; j++)
            {
                var candidate = ops.Where((_, k) => k != i && k != j).ToList();
                if (candidate.Count > 0 && Reaches(model, candidate, site)) return candidate;
            }
        }
        return null;
    }

    private static List<FuzzOp>? WithoutOneRetargeted(ArchModel model, List<FuzzOp> ops, FuzzSite site)
    {
        for (var i = 0; i < ops.Count; i++)
        {
            for (var j = i + 1; j < ops.Count; j++)
            {
                if (ops[j].Kind is not (FuzzOpKind.Unmap or FuzzOpKind.Touch)) continue;
                for (var index = 0UL; index < (ulong)model.Fixmap.NumFixPmap; index++)
                {
                    var candidate = new List<FuzzOp>(ops) { [j] = ops[j] with { Arg = index } };
                    candidate.RemoveAt(i);
                    if (Reaches(model, candidate, site)) return candidate;
                }
            }
        }
        return null;
    }

    // No more than NUM_FIX_PMAP mappings are ever live, so indexes below it name every one.
    private static List<FuzzOp>? WithASmallerIndex(ArchModel model, List<FuzzOp> ops, FuzzSite site)
    {
        for (var i = 0; i < ops.Count; i++)
        {
            if (ops[i].Kind is not (FuzzOpKind.Unmap or FuzzOpKind.Touch)) continue;
            for (var index = 0UL; index < Math.Min(ops[i].Arg, (ulong)model.Fixmap.NumFixPmap); index++)
            {
                var candidate = new List<FuzzOp>(ops) { [i] = ops[i] with { Arg = index } };
                if (Reaches(model, candidate, site)) return candidate;
            }
        }
        return null;
    }

    /// <summary>Whether the sequence reaches a finding at <paramref name="site"/> before any fatal one.</summary>
    private static bool Reaches(ArchModel model, IReadOnlyList<FuzzOp> ops, FuzzSite site) => Replay(model, ops, site, describe: false) is not null;

    /// <summary>What the finding at <paramref name="site"/> was, replayed with the trace and the ordering checker on.</summary>
    private static string? Describe(ArchModel model, IReadOnlyList<FuzzOp> ops, FuzzSite site) => Replay(model, ops, site, describe: true);

    private static string? Replay(ArchModel model, IReadOnlyList<FuzzOp> ops, FuzzSite site, bool describe)
    {
        var run = new FuzzRun(model, describe);
        foreach (var op in ops)
        {
            if (run.Apply(op) is not { } o) continue;
            if (o.Site == site) return o.Detail;
            if (o.Fatal) return null;
        }
        return null;
    }
}
