namespace Pmap.Core.Machine;

/// <summary>
/// Loads and stores through virtual addresses as the CPU performs them: the TLB first, then a hardware walk
/// that fills it (or, where the architecture caches invalid entries, fills a negative entry), then the
/// architecture's leaf access check. A failed translation is the fault Xen would die of.
/// </summary>
public sealed class Mmu(Cpu cpu, PhysicalMemory memory, Walker walker, IMachineArch arch, Trace trace, MachineCounters counters)
{
    private readonly bool _cachesInvalid = arch.CachesInvalidEntries;
    private readonly LeafAccessCheck? _leafAccess = arch.LeafAccess;

    /// <summary>Says why a fault happened when the machine knows more than the walk (strict ordering); null when it does not.</summary>
    public Func<VirtAddr, string?>? ExplainFault { get; set; }

    /// <summary>Told when the leaf access check refuses an access (the ordering checker maps it to a rule).</summary>
    public Action<VirtAddr, string>? OnDenied { get; set; }

    /// <summary>The physical address a load (or store) of <paramref name="va"/> reaches.</summary>
    public PhysAddr Translate(VirtAddr va, bool write = false)
    {
        Access(va, write, out var pagePa);
        return pagePa.Add(va.PageOffset);
    }

    /// <summary>An 8-byte load through a virtual address.</summary>
    public ulong Read64(VirtAddr va) => Access(va, write: false, out _)[(int)(va.PageOffset >> 3)];

    /// <summary>An 8-byte store through a virtual address; returns the value it replaced.</summary>
    public ulong Write64(VirtAddr va, ulong value, out PhysAddr pa)
    {
        var frame = Access(va, write: true, out var pagePa);
        var i = (int)(va.PageOffset >> 3);
        var old = frame[i];
        frame[i] = value;
        pa = pagePa.Add(va.PageOffset & ~7UL);
        return old;
    }

    /// <summary>clear_page(va): one translated store, then the whole page zeroed.</summary>
    public void ClearPage(VirtAddr va) => Array.Clear(Access(va, write: true, out _));

    /// <summary>The frame behind <paramref name="va"/> for one access.</summary>
    private ulong[] Access(VirtAddr va, bool write, out PhysAddr pagePa)
    {
        var tlb = cpu.Tlb;
        ref var e = ref tlb.Lookup(va, out var hit);
        if (hit && !e.Negative && e.Frame is not null)
        {
            pagePa = e.PagePa;
            return e.Frame;
        }
        if (hit && e.Negative) throw Fault(new TranslationFault(va, null, "invalid entry cached in the TLB"), write);

        counters.TlbMisses++;
        var pa = walker.Walk(cpu.Root, va, null, hardware: true, out var leaf, out var level, out var fault);
        if (pa is null)
        {
            if (_cachesInvalid) tlb.FillNegative(va);
            throw Fault(fault!, write);
        }
        if (_leafAccess?.Invoke(leaf, level, write) is { } denied)
        {
            OnDenied?.Invoke(va, denied);
            throw Fault(new TranslationFault(va, level, denied), write);
        }
        pagePa = new PhysAddr(pa.Value.Value & Page.Mask);
        var frame = memory.GetOrCreateFrame(pagePa.ToMfn());
        tlb.Fill(va, pagePa, leaf, level, frame);
        return frame;
    }

    private HypervisorFaultException Fault(TranslationFault fault, bool write)
    {
        if (trace.Enabled) trace.Add(new TraceEvent(TraceKind.Fault) { Va = fault.Va, Level = fault.Level, Detail = fault.Reason });
        return new HypervisorFaultException(fault, write ? "store" : "load", ExplainFault?.Invoke(fault.Va));
    }
}
