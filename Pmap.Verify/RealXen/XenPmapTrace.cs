using Pmap.Core;
using Pmap.Core.Arch;
using Pmap.Core.Machine;
using Pmap.Qemu;

namespace Pmap.Verify.RealXen;

/// <summary>Where a build's pmap_map and pmap_unmap start (link-time VAs from its symbols): where to stop the real Xen.</summary>
public sealed record PmapEntryPoints(ulong PmapMap, ulong PmapUnmap);

/// <summary>
/// What the real Xen did at one stop: pmap_map(mfn) returned <paramref name="Va"/>, or pmap_unmap(<paramref name="Va"/>)
/// (then <paramref name="Mfn"/> is null).
/// </summary>
public sealed record RealPmapStop(bool Map, ulong? Mfn, ulong Va);

/// <summary>One PMAP call: map or unmap, the fixmap slot, the frame (for an unmap, the one its slot held).</summary>
public sealed record PmapCall(bool Map, int Slot, ulong Mfn)
{
    public override string ToString() => $"{(Map ? "map" : "unmap")} slot {Slot} MFN {Hex.Format(Mfn)}";
}

/// <summary>
/// The real Xen's PMAP calls beside the model's. <paramref name="ModelRunAt"/> is where the model's calls appear, in order and
/// unbroken, among the real ones (null when they do not): 0 when the model makes Xen's whole sequence. Real calls before and
/// after that run are mappings the model does not make.
/// </summary>
public sealed record PmapTraceComparison(IReadOnlyList<PmapCall> Real, IReadOnlyList<PmapCall> Model, int? ModelRunAt)
{
    /// <summary>The two sequences are one: every call's operation, slot and MFN, in the same order, none missing or extra.</summary>
    public bool Equal => Real.SequenceEqual(Model);

    /// <summary>The index of the first call where the sequences part (one may end first), or null when they are equal.</summary>
    public int? FirstDifference
    {
        get
        {
            if (Equal) return null;
            var i = 0;
            while (i < Real.Count && i < Model.Count && Real[i] == Model[i]) i++;
            return i;
        }
    }

    public IReadOnlyList<int> RealSlots => Real.Select(c => c.Slot).Distinct().Order().ToList();

    public IReadOnlyList<int> ModelSlots => Model.Select(c => c.Slot).Distinct().Order().ToList();

    /// <summary>The model makes Xen's calls, all of them and only them, in Xen's order (<see cref="Equal"/>).</summary>
    public bool Agrees => Equal;

    public IEnumerable<PmapCall> RealBefore => Real.Take(ModelRunAt ?? 0);

    public IEnumerable<PmapCall> RealAfter => ModelRunAt is { } at ? Real.Skip(at + Model.Count) : Real;
}

/// <summary>
/// The PMAP slots a real Xen uses while it boots, read with gdb breakpoints on pmap_map and pmap_unmap (the
/// MFN in the argument register on entry, the slot's VA in it at the return address, both named by the port's
/// <see cref="XenBootTarget"/>), beside the slots the model's boot uses.
/// </summary>
public static class XenPmapTrace
{
    /// <summary>Runs the paused <paramref name="q"/> until it stops anywhere but at the two functions (its power-off).</summary>
    public static IReadOnlyList<RealPmapStop> Run(QemuInstance q, XenBootTarget boot, PmapEntryPoints at, DateTime deadline)
    {
        var (arg, link) = (boot.ArgumentRegister, boot.LinkRegister);
        var gdb = q.Gdb;
        var stops = new List<RealPmapStop>();
        gdb.SetBreakpoint(at.PmapMap);
        gdb.SetBreakpoint(at.PmapUnmap);
        ulong? stoppedAt = null;
        while (true)
        {
            if (stoppedAt is { } bp) gdb.StepOverBreakpoint(bp);
            gdb.Continue(Left(deadline));
            var pc = gdb.ReadRegister("pc");
            if (pc == at.PmapUnmap)
            {
                stops.Add(new RealPmapStop(false, null, gdb.ReadRegister(arg)));
                stoppedAt = pc;
            }
            else if (pc == at.PmapMap)
            {
                // The slot's VA is pmap_map's return value: run to the return address and read it there.
                var (mfn, ret) = (gdb.ReadRegister(arg), gdb.ReadRegister(link));
                gdb.StepOverBreakpoint(pc);
                gdb.SetBreakpoint(ret);
                gdb.Continue(Left(deadline));
                var back = gdb.ReadRegister("pc");
                gdb.RemoveBreakpoint(ret);
                if (back != ret)
                    throw new GdbProtocolException($"pmap_map called from {Hex.Format(ret)} stopped at {Hex.Format(back)} before returning");
                stops.Add(new RealPmapStop(true, mfn, gdb.ReadRegister(arg)));
                stoppedAt = null;
            }
            else
            {
                // Anything but the power-off (QEMU pauses on shutdown and tells gdb) would end the trace early.
                var status = q.Qmp.HumanMonitorCommand("info status");
                if (!status.Contains("shutdown", StringComparison.Ordinal))
                {
                    throw new GdbProtocolException(
                        $"Xen stopped at {Hex.Format(pc)} ({status.Trim()}), neither in pmap_map/pmap_unmap nor powered off");
                }
                gdb.RemoveBreakpoint(at.PmapMap);
                gdb.RemoveBreakpoint(at.PmapUnmap);
                return stops;
            }
        }
    }

    private static TimeSpan Left(DateTime deadline) =>
        deadline > DateTime.UtcNow ? deadline - DateTime.UtcNow : throw new TimeoutException("Xen did not power off in time");

    /// <summary>The stops as slots of <paramref name="fix"/>; an unmap takes the frame its slot's last map put there.</summary>
    public static IReadOnlyList<PmapCall> Calls(IEnumerable<RealPmapStop> stops, FixmapLayout fix)
    {
        var held = new Dictionary<int, ulong>();
        var calls = new List<PmapCall>();
        foreach (var s in stops)
        {
            var slot = Enumerable.Range(0, fix.EndOfFixedAddresses).FirstOrDefault(i => fix.FixToVirt(i).Value == (s.Va & ~(Page.Size - 1)), -1);
            if (s.Mfn is { } mfn) held[slot] = mfn;
            calls.Add(new PmapCall(s.Map, slot, s.Mfn ?? held.GetValueOrDefault(slot)));
        }
        return calls;
    }

    /// <summary>The model's own PMAP calls, from its trace.</summary>
    public static IReadOnlyList<PmapCall> Calls(Trace trace)
    {
        var held = new Dictionary<int, ulong>();
        var calls = new List<PmapCall>();
        foreach (var e in trace.Events.Where(e => e.Kind is TraceKind.Map or TraceKind.Unmap && e.Slot is not null))
        {
            var slot = e.Slot!.Value;
            if (e.Kind == TraceKind.Map) held[slot] = e.Mfn!.Value.Value;
            calls.Add(new PmapCall(e.Kind == TraceKind.Map, slot, e.Mfn?.Value ?? held.GetValueOrDefault(slot)));
        }
        return calls;
    }

    /// <summary>Finds the model's calls as one unbroken run among the real ones (the first such place).</summary>
    public static PmapTraceComparison Compare(IReadOnlyList<PmapCall> real, IReadOnlyList<PmapCall> model)
    {
        for (var at = 0; model.Count > 0 && at + model.Count <= real.Count; at++)
            if (real.Skip(at).Take(model.Count).SequenceEqual(model)) return new(real, model, at);
        return new(real, model, null);
    }
}
