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

/// <summary>The first broken invariant of a run, the operation that broke it and a shortest sequence found that still breaks it.</summary>
public sealed record FuzzViolation(long At, string Invariant, IReadOnlyList<FuzzOp> Shrunk);

/// <summary>What a fuzz run did.</summary>
public sealed record FuzzReport(string Arch, string Profile, ulong Seed, long Ops, long Maps, long Unmaps, long Touches, long XenCrashes,
    FuzzViolation? Violation);

/// <summary>
/// Random pmap_map / pmap_unmap / touch / system_state / IRQ sequences on a real port, checking after every
/// operation: the bitmap equals the valid PMAP entries, the in-use count equals the live mappings, every live
/// slot translates (through the TLB and by a walk) to its frame and holds what was stored, an unmapped slot
/// faults (no stale TLB entry), and an ASSERT, BUG or panic changes nothing.
/// </summary>
public static class PmapFuzz
{
    private const ulong FirstFrame = 0x40000;

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

    /// <summary>Runs <paramref name="count"/> operations from <paramref name="seed"/>; on a violation, shrinks the prefix that caused it.</summary>
    public static FuzzReport Run(ArchModel model, long count, ulong seed)
    {
        var run = new FuzzRun(model);
        long i = 0;
        foreach (var op in Operations(seed, count))
        {
            if (run.Apply(op) is { } broken)
            {
                var prefix = Operations(seed, i + 1).ToList();
                return run.Report(model, seed, i + 1, new FuzzViolation(i, broken, Shrink(model, prefix)));
            }
            i++;
        }
        return run.Report(model, seed, count, null);
    }

    /// <summary>The invariant the sequence breaks, or null.</summary>
    public static string? Check(ArchModel model, IEnumerable<FuzzOp> ops)
    {
        var run = new FuzzRun(model);
        foreach (var op in ops)
            if (run.Apply(op) is { } broken) return broken;
        return null;
    }

    /// <summary>Delta debugging: drop chunks, then single operations, while the sequence still breaks an invariant.</summary>
    public static IReadOnlyList<FuzzOp> Shrink(ArchModel model, IReadOnlyList<FuzzOp> failing)
    {
        var ops = failing.ToList();
        for (var chunk = Math.Max(1, ops.Count / 2); chunk >= 1; chunk /= 2)
        {
            for (var start = 0; start < ops.Count;)
            {
                var candidate = ops.Take(start).Concat(ops.Skip(start + chunk)).ToList();
                if (candidate.Count > 0 && Check(model, candidate) is not null) ops = candidate;
                else start += chunk;
            }
        }
        return ops;
    }

    /// <summary>One machine under random operations, with what the test knows should be mapped.</summary>
    private sealed class FuzzRun
    {
        private readonly ArchModel _model;
        private readonly XenMachine _m;
        private readonly List<(VirtAddr Va, Mfn Mfn)> _live = [];
        private readonly List<VirtAddr> _unmapped = [];
        private long _maps, _unmaps, _touches, _crashes;

        public FuzzRun(ArchModel model)
        {
            _model = model;
            _m = model.Boot(new MachineOptions { TraceEnabled = false });
        }

        public FuzzReport Report(ArchModel model, ulong seed, long ops, FuzzViolation? v) =>
            new(model.Name, model.Profile, seed, ops, _maps, _unmaps, _touches, _crashes, v);

        /// <summary>Applies one operation; returns the invariant it broke, or null.</summary>
        public string? Apply(FuzzOp op)
        {
            var before = Snapshot();
            try
            {
                switch (op.Kind)
                {
                    case FuzzOpKind.Map:
                        var frame = DataFrame(op.Arg);
                        var va = _m.Pmap.Map(frame);
                        _maps++;
                        if (_live.Any(l => l.Va == va)) return $"{op}: slot at {va} handed out twice";
                        _live.Add((va, frame));
                        _unmapped.Remove(va);
                        break;
                    case FuzzOpKind.Unmap when _live.Count > 0:
                        var (uva, _) = _live[(int)(op.Arg % (ulong)_live.Count)];
                        _m.Pmap.Unmap(uva);
                        _unmaps++;
                        _live.RemoveAll(l => l.Va == uva);
                        _unmapped.Add(uva);
                        break;
                    case FuzzOpKind.Touch when _live.Count > 0:
                        var (tva, mfn) = _live[(int)(op.Arg % (ulong)_live.Count)];
                        _touches++;
                        _m.WriteVirt64(tva, op.Arg);
                        if (_m.ReadVirt64(tva) != op.Arg || _m.Memory.Read64(mfn.ToPhysAddr()) != op.Arg)
                            return $"{op}: a store through {tva} did not reach MFN {mfn}";
                        break;
                    case FuzzOpKind.State:
                        _m.Cpu.SystemState = (SystemState)op.Arg;
                        break;
                    case FuzzOpKind.Irq:
                        _m.Cpu.LocalIrqCount = (int)op.Arg;
                        break;
                }
            }
            catch (HypervisorFaultException e)
            {
                return $"{op}: {e.Message}";
            }
            catch (XenCrashException)
            {
                // The model's Xen stopped here; a check that fires must not have changed anything first.
                _crashes++;
                return Snapshot().SequenceEqual(before) ? Invariants(op) : $"{op}: Xen's check fired after the state had changed";
            }
            return Invariants(op);
        }

        /// <summary>A data frame: never one of Xen's own image, whose static page tables a touch would overwrite.</summary>
        private Mfn DataFrame(ulong frame)
        {
            var image = _model.Image.Bank;
            var pages = image.Size >> Page.Shift;
            return frame >= image.Base.ToMfn().Value && frame < image.End.ToMfn().Value ? new Mfn(frame + pages) : new Mfn(frame);
        }

        /// <summary>The bitmap and the PMAP slots' entries: what a check that fires must leave as it was.</summary>
        private ulong[] Snapshot()
        {
            var f = _model.Fixmap;
            var state = new ulong[(2 * f.NumFixPmap) + 1];
            for (var i = 0; i < f.NumFixPmap; i++)
            {
                state[i] = _m.Pmap.IsInUse(i) ? 1UL : 0;
                state[f.NumFixPmap + i] = Leaf(f.FixToVirt(f.FixPmapBegin + i));
            }
            state[^1] = (ulong)_m.Pmap.InUse;
            return state;
        }

        private ulong Leaf(VirtAddr va) => _m.WalkFast(va, out var leaf, out _, out _) is null ? 0 : leaf;

        private string? Invariants(FuzzOp op)
        {
            var f = _model.Fixmap;
            for (var i = 0; i < f.NumFixPmap; i++)
            {
                var mapped = _m.WalkFast(f.FixToVirt(f.FixPmapBegin + i), out _, out _, out _) is not null;
                if (mapped != _m.Pmap.IsInUse(i))
                    return $"after {op}: bit {i} is {(mapped ? "clear" : "set")} but the slot's entry is {(mapped ? "valid" : "invalid")}";
            }
            if (_m.Pmap.InUse != _live.Count) return $"after {op}: {_m.Pmap.InUse} slots in use, {_live.Count} mapped";
            foreach (var (va, mfn) in _live)
            {
                if (_m.WalkFast(va, out _, out _, out _) != mfn.ToPhysAddr() || _m.Translate(va) != mfn.ToPhysAddr())
                    return $"after {op}: {va} does not translate to MFN {mfn}";
            }
            foreach (var va in _unmapped)
            {
                // Neither the TLB nor a walk may still translate it (asked without faulting, which would cost an exception).
                if (_m.Tlb.Translates(va)) return $"after {op}: {va} still translates after pmap_unmap (a stale TLB entry)";
                if (_m.WalkFast(va, out _, out _, out _) is not null) return $"after {op}: {va} still has a valid entry after pmap_unmap";
            }
            return null;
        }
    }
}
