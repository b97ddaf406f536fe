using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Pmap.Core.Arch;
using Pmap.Core.Machine;

namespace Pmap.Core.Scenarios;

/// <summary>What one operation reached that is worth reporting: a finding's site and what happened; fatal when the run must stop.</summary>
internal readonly record struct FuzzOutcome(FuzzSite Site, string Detail, bool Fatal);

/// <summary>
/// One machine under random operations, with what the caller knows it holds. Counts every stop and hazard by site; a refusal
/// is counted only, a finding is also returned.
/// </summary>
internal sealed class FuzzRun
{
    private readonly ArchModel _model;
    private readonly XenMachine _m;
    // Each mapping with the PMAP slot its VA is (-1 for any other VA), so that the checks read that slot's walk.
    private readonly List<(VirtAddr Va, Mfn Mfn, int Slot)> _live = [];
    private readonly List<(VirtAddr Va, int Slot)> _unmapped = [];
    // Few sites, found by equality alone: their texts are Xen's literals, the same strings each time, which hashing would read through.
    private readonly List<(FuzzSite Site, long Count)> _sites = [];
    private readonly bool _describe;
    private readonly VirtAddr[] _slotVa; // fix_to_virt(FIX_PMAP_BEGIN + i)
    private readonly PhysAddr?[] _slotPa; // where each slot led at the last Snapshot
    private ulong[] _before, _after; // Snapshot's, reused
    private bool _beforeTaken; // _before is the state after the last operation, which passed every check

    /// <summary>A fresh boot; <paramref name="describe"/> adds the trace and the ordering checker, to say what a finding was.</summary>
    public FuzzRun(ArchModel model, bool describe = false)
    {
        _model = model;
        _describe = describe;
        _m = model.Boot(new MachineOptions { TraceEnabled = describe, CheckOrdering = describe });
        var f = model.Fixmap;
        _slotVa = [.. Enumerable.Range(f.FixPmapBegin, f.NumFixPmap).Select(f.FixToVirt)];
        _slotPa = new PhysAddr?[f.NumFixPmap];
        _before = new ulong[(2 * f.NumFixPmap) + 1];
        _after = new ulong[_before.Length];
    }

    public long Maps { get; private set; }
    public long Unmaps { get; private set; }
    public long Touches { get; private set; }

    /// <summary>Stops and hazards by site, in the order each site was first reached.</summary>
    public IReadOnlyList<FuzzSiteCount> Sites => [.. _sites.Select(s => new FuzzSiteCount(s.Site, s.Count))];

    // Apply, Do, Snapshot and Invariants are compiled optimized at once: a run of a million operations is over in about the
    // time tiered compilation takes to settle, and they make few calls its profile could devirtualise (measured: -6% CPU).
    /// <summary>Applies one operation; returns a finding it reached, or null.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public FuzzOutcome? Apply(FuzzOp op)
    {
        if (!_beforeTaken) Snapshot(_before);
        _beforeTaken = false;
        var hazards = _m.Counters.Hazards;
        XenCrashException? crash = null;
        try
        {
            if (Do(op, out crash) is { } broken) return Count(FuzzStops.Invariant(broken.Name), broken.Detail, fatal: true);
        }
        catch (XenCrashException e)
        {
            crash = e;
        }
        // One walk of each slot after the operation serves both the check below and the invariants.
        Snapshot(_after);
        if (crash is { } stopped)
        {
            // The model's Xen stopped here; a check that fires must not have changed anything first.
            if (!_after.AsSpan().SequenceEqual(_before))
                return Count(FuzzStops.Invariant("a check that fires changes nothing"), $"{op}: {stopped.Message}, after the state had changed", fatal: true);
            var site = FuzzStops.Classify(stopped, _live.Count, _model.Fixmap.NumFixPmap);
            // A refusal is only counted: its text is made for a finding alone.
            if (Tally(site)) return new FuzzOutcome(site, $"{op}: {stopped.Message}", Fatal: false);
        }
        if (_m.Counters.Hazards != hazards) return Count(FuzzStops.Hazard(_model, op), $"{op}: {LastHazard()}", fatal: false);
        if (Invariants(op) is { } b) return Count(FuzzStops.Invariant(b.Name), b.Detail, fatal: true);
        (_before, _after) = (_after, _before); // the state after this operation is the state before the next
        _beforeTaken = true;
        return null;
    }

    private FuzzOutcome? Count(FuzzSite site, string detail, bool fatal) => Tally(site) ? new FuzzOutcome(site, detail, fatal) : null;

    /// <summary>Counts one stop or hazard at <paramref name="site"/>; true when it is a finding.</summary>
    private bool Tally(FuzzSite site)
    {
        foreach (ref var s in CollectionsMarshal.AsSpan(_sites))
        {
            if (s.Site != site) continue;
            s.Count++;
            return site.Verdict == FuzzVerdict.Finding;
        }
        _sites.Add((site, 1));
        return site.Verdict == FuzzVerdict.Finding;
    }

    // pmap.c's own stops come back in crash rather than thrown (CommonPmap.TryMap): a run meets them by the hundred thousand.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private (string Name, string Detail)? Do(FuzzOp op, out XenCrashException? crash)
    {
        crash = null;
        switch (op.Kind)
        {
            case FuzzOpKind.Map:
                var frame = DataFrame(op.Arg);
                if ((crash = _m.Pmap.TryMap(frame, out var va)) is not null) return null;
                Maps++;
                if (IsLive(va)) return ("no slot is handed out twice", $"{op}: slot at {va} handed out twice");
                _live.Add((va, frame, Array.IndexOf(_slotVa, va)));
                var was = _unmapped.FindIndex(u => u.Va == va);
                if (was >= 0) _unmapped.RemoveAt(was);
                break;
            case FuzzOpKind.Unmap when _live.Count > 0:
                var (uva, _, slot) = _live[(int)(op.Arg % (ulong)_live.Count)];
                if ((crash = _m.Pmap.TryUnmap(uva)) is not null) return null;
                Unmaps++;
                for (var i = _live.Count - 1; i >= 0; i--)
                    if (_live[i].Va == uva) _live.RemoveAt(i);
                _unmapped.Add((uva, slot));
                break;
            case FuzzOpKind.Touch when _live.Count > 0:
                var (tva, mfn, _) = _live[(int)(op.Arg % (ulong)_live.Count)];
                Touches++;
                _m.WriteVirt64(tva, op.Arg);
                if (_m.ReadVirt64(tva) != op.Arg || _m.Memory.Read64(mfn.ToPhysAddr()) != op.Arg)
                    return ("a store through a live slot reaches its frame", $"{op}: a store through {tva} did not reach MFN {mfn}");
                break;
            case FuzzOpKind.State:
                _m.Cpu.SystemState = (SystemState)op.Arg;
                break;
            case FuzzOpKind.Irq:
                _m.Cpu.LocalIrqCount = (int)op.Arg;
                break;
        }
        return null;
    }

    private bool IsLive(VirtAddr va)
    {
        foreach (var (live, _, _) in _live)
            if (live == va) return true;
        return false;
    }

    /// <summary>What the last hazard was, when the trace is on; the ordering checker's account of it, when it has one.</summary>
    private string LastHazard()
    {
        if (!_describe) return "a walk used an entry the architecture does not yet guarantee";
        var text = _m.Trace.Events.LastOrDefault(e => e.Kind == TraceKind.Hazard)?.Detail ?? "hazard";
        if (_m.Checker?.Violations.LastOrDefault(v => v.AtUse) is { } v)
            text += $"; {v.Hook} ran {string.Join("; ", v.Sequence)}; {v.Consequence} ({v.Rule.Id}: {v.Rule.Statement}, {v.Rule.Citation})";
        return text;
    }

    /// <summary>A data frame: never one of Xen's own image, whose static page tables a touch would overwrite.</summary>
    private Mfn DataFrame(ulong frame)
    {
        var image = _model.Image.Bank;
        var pages = image.Size >> Page.Shift;
        return frame >= image.Base.ToMfn().Value && frame < image.End.ToMfn().Value ? new Mfn(frame + pages) : new Mfn(frame);
    }

    /// <summary>
    /// The bitmap and the PMAP slots' entries into <paramref name="state"/>: what a check that fires must leave as it was.
    /// Where each slot leads goes to <see cref="_slotPa"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Snapshot(ulong[] state)
    {
        for (var i = 0; i < _slotVa.Length; i++)
        {
            var pa = _slotPa[i] = _m.WalkFast(_slotVa[i], out var leaf);
            state[i] = _m.Pmap.IsInUse(i) ? 1UL : 0;
            state[_slotVa.Length + i] = pa is null ? 0 : leaf;
        }
        state[^1] = (ulong)_m.Pmap.InUse;
    }

    /// <summary>Where <paramref name="va"/> leads: the last Snapshot's walk of its slot, or a walk of its own for a VA no slot has.</summary>
    private PhysAddr? Translation(VirtAddr va, int slot) => slot >= 0 ? _slotPa[slot] : _m.WalkFast(va, out _);

    // Looks at the TLB and the tables without filling or walking as the CPU would: checking must not change what a later access sees.
    // The slots' walks are the Snapshot taken after the operation.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private (string Name, string Detail)? Invariants(FuzzOp op)
    {
        for (var i = 0; i < _slotPa.Length; i++)
        {
            var mapped = _slotPa[i] is not null;
            if (mapped != _m.Pmap.IsInUse(i))
                return ("the bitmap equals the valid PMAP entries",
                    $"after {op}: bit {i} is {(mapped ? "clear" : "set")} but the slot's entry is {(mapped ? "valid" : "invalid")}");
        }
        if (_m.Pmap.InUse != _live.Count)
            return ("the in-use count equals the live mappings", $"after {op}: {_m.Pmap.InUse} slots in use, {_live.Count} mapped");
        foreach (var (va, mfn, slot) in _live)
        {
            var page = mfn.ToPhysAddr();
            if (Translation(va, slot) != page || _m.Tlb.CachedPage(va) is { } cached && cached != page)
                return ("every live slot translates to its frame", $"after {op}: {va} does not translate to MFN {mfn}");
        }
        foreach (var (va, slot) in _unmapped)
        {
            if (_m.Tlb.Translates(va))
                return ("an unmapped slot faults", $"after {op}: {va} still translates after pmap_unmap (a stale TLB entry)");
            if (Translation(va, slot) is not null)
                return ("an unmapped slot faults", $"after {op}: {va} still has a valid entry after pmap_unmap");
        }
        return null;
    }
}
