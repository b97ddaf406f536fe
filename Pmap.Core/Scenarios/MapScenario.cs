using Pmap.Core.Arch;
using Pmap.Core.Machine;

namespace Pmap.Core.Scenarios;

/// <summary>One pmap_map or pmap_unmap call: what it returned and every event it caused.</summary>
public sealed record PmapStep(string Op, Mfn? Mfn, int? Slot, VirtAddr? Va, ulong? Pte, DecodedPte? Decoded, IReadOnlyList<TraceEvent> Events);

/// <summary>The steps of a map scenario, and the crash that ended it, if any.</summary>
public sealed record MapRun(ArchModel Model, XenMachine Machine, IReadOnlyList<PmapStep> Steps, XenCrashException? Crash);

/// <summary>pmap_map for each MFN in order on a freshly booted machine, then (optionally) pmap_unmap in reverse.</summary>
public static class MapScenario
{
    /// <summary>Maps each frame through pmap_map (and unmaps when asked), recording every step.</summary>
    public static MapRun Run(ArchModel model, IReadOnlyList<Mfn> mfns, bool unmap, SystemState state = SystemState.EarlyBoot, bool inIrq = false,
        MachineOptions? options = null)
    {
        // The ordering checker watches every map: a step a rule wants and the hook lacks is marked in the trace where it belongs.
        var m = model.Boot(options ?? new MachineOptions { CheckOrdering = true });
        m.Cpu.SystemState = state;
        if (inIrq) m.Cpu.LocalIrqCount = 1;
        var steps = new List<PmapStep>();
        var mapped = new List<VirtAddr>();
        var mark = 0;
        (string Op, Mfn? Mfn, VirtAddr? Va) current = ("map", null, null);
        try
        {
            foreach (var mfn in mfns)
            {
                mark = m.Trace.Count;
                current = ("map", mfn, null);
                var va = m.Pmap.Map(mfn);
                mapped.Add(va);
                var leaf = m.WalkDetailed(va);
                ulong? pte = leaf.Fault is null ? leaf.LeafEntry : null;
                var decoded = pte is { } p ? model.Codec.Decode(p, leaf.LeafLevel ?? model.Format.LeafLevel) : null;
                steps.Add(new PmapStep("map", mfn, model.Fixmap.RawVirtToFix(va), va, pte, decoded, m.Trace.Since(mark)));
            }
            if (unmap)
            {
                for (var i = mapped.Count - 1; i >= 0; i--)
                {
                    mark = m.Trace.Count;
                    current = ("unmap", null, mapped[i]);
                    m.Pmap.Unmap(mapped[i]);
                    steps.Add(new PmapStep("unmap", null, model.Fixmap.RawVirtToFix(mapped[i]), mapped[i], null, null, m.Trace.Since(mark)));
                }
            }
            return new MapRun(model, m, steps, null);
        }
        catch (XenCrashException e)
        {
            // The step that crashed, with what it did before Xen died.
            var events = m.Trace.Since(mark);
            var marker = events.FirstOrDefault(x => x.Kind is TraceKind.Map or TraceKind.Unmap);
            steps.Add(new PmapStep(current.Op, current.Mfn, marker?.Slot, current.Va ?? marker?.Va, null, null, events));
            return new MapRun(model, m, steps, e);
        }
    }
}

/// <summary>What one pmap_map / pmap_unmap pair does on an architecture, read off the trace.</summary>
public sealed record PmapSequence(int Slot, VirtAddr Va, ulong Pte, IReadOnlyList<TraceEvent> MapEvents, IReadOnlyList<TraceEvent> UnmapEvents)
{
    /// <summary>The instructions of arch_pmap_map: barriers, stores and TLB operations by mnemonic.</summary>
    public IReadOnlyList<string> MapOps => Instructions(MapEvents);

    /// <summary>The instructions of arch_pmap_unmap.</summary>
    public IReadOnlyList<string> UnmapOps => Instructions(UnmapEvents);

    /// <summary>Maps <paramref name="mfn"/> on a freshly booted machine, then unmaps it.</summary>
    public static PmapSequence Observe(ArchModel model, Mfn mfn)
    {
        var run = MapScenario.Run(model, [mfn], unmap: true);
        if (run.Crash is { } crash) throw crash;
        var (map, unmap) = (run.Steps[0], run.Steps[1]);
        return new PmapSequence(map.Slot!.Value, map.Va!.Value, map.Pte!.Value, map.Events, unmap.Events);
    }

    /// <summary>The instructions in a stretch of trace: barriers, stores and TLB operations, by mnemonic.</summary>
    public static IReadOnlyList<string> Instructions(IEnumerable<TraceEvent> events) =>
        events.Where(e => e.Kind is TraceKind.Barrier or TraceKind.PteWrite or TraceKind.TlbFlush).Select(e => e.Op ?? "?").ToList();
}
