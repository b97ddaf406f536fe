using System.Runtime.CompilerServices;

namespace Pmap.Core.Machine;

/// <summary>
/// Loads and stores through virtual addresses as the CPU performs them: the TLB first, then a hardware walk
/// that fills it (or, where the architecture caches invalid entries, fills a negative entry), then the
/// architecture's leaf access check. A failed translation is the fault Xen would die of.
/// </summary>
public sealed unsafe class Mmu(Cpu cpu, PhysicalMemory memory, Walker walker, ArchModel arch, Trace trace, MachineCounters counters)
{
    private readonly bool _cachesInvalid = arch.CachesInvalidEntries;
    private readonly Tlb _tlb = cpu.Tlb; // the CPU's TLB for its life: held here, one dependent load fewer per access
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
    public ulong Read64(VirtAddr va) => Access(va, write: false, out _)[va.PageOffset >> 3];

    /// <summary>An 8-byte store through a virtual address; returns the value it replaced.</summary>
    public ulong Write64(VirtAddr va, ulong value, out PhysAddr pa)
    {
        var word = Access(va, write: true, out var pagePa) + (va.PageOffset >> 3);
        var old = *word;
        *word = value;
        pa = pagePa.Add(va.PageOffset & ~7UL);
        return old;
    }

    /// <summary>clear_page(va): one translated store, then the whole page zeroed.</summary>
    public void ClearPage(VirtAddr va) => new Span<ulong>(Access(va, write: true, out _), Page.EntriesPerTable).Clear();

    /// <summary>The words of the frame behind <paramref name="va"/> for one access (frames are pinned: see <see cref="TlbEntry.Words"/>).</summary>
    private ulong* Access(VirtAddr va, bool write, out PhysAddr pagePa)
    {
        var tlb = _tlb;
        ref var e = ref tlb.Lookup(va, out var hit);
        if (hit && !e.Negative && e.Words != 0)
        {
            // The TLB caches the leaf's permissions too: a hit is checked against them as a walk is (a store through an
            // entry cached by a load).
            if (_leafAccess?.Invoke(e.LeafEntry, e.LeafLevel, write) is { } refused) throw Denied(va, e.LeafLevel, refused, write);
            pagePa = e.PagePa;
            return (ulong*)e.Words;
        }
        if (hit && e.Negative) throw Fault(new TranslationFault(va, null, "invalid entry cached in the TLB"), write);

        counters.TlbMisses++;
        if (!walker.TryHardwareWalk(cpu.Root, va, out var pa, out var leaf, out var level)) pa = SlowWalk(va, write, out leaf, out level);
        if (_leafAccess?.Invoke(leaf, level, write) is { } denied) throw Denied(va, level, denied, write);
        pagePa = new PhysAddr(pa.Value & Page.Mask);
        var words = memory.GetOrCreateFrameWords(pagePa.ToMfn());
        tlb.Fill(va, pagePa, leaf, level, (nint)words);
        return words;
    }

    /// <summary>The architecture's leaf access check refused an access (RISC-V Svade's A and D bits): the fault Xen dies of.</summary>
    private HypervisorFaultException Denied(VirtAddr va, int level, string reason, bool write)
    {
        OnDenied?.Invoke(va, reason);
        return Fault(new TranslationFault(va, level, reason), write);
    }

    /// <summary>The walk with its pending-write checks, when one is pending, and the fault it ends in.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private PhysAddr SlowWalk(VirtAddr va, bool write, out ulong leaf, out int level)
    {
        var pa = walker.Walk(cpu.Root, va, null, hardware: true, out leaf, out level, out var fault);
        if (pa is { } found) return found;
        if (_cachesInvalid) _tlb.FillNegative(va);
        throw Fault(fault!, write);
    }

    private HypervisorFaultException Fault(TranslationFault fault, bool write)
    {
        if (trace.Enabled) trace.Add(new TraceEvent(TraceKind.Fault) { Va = fault.Va, Level = fault.Level, Detail = fault.Reason });
        return new HypervisorFaultException(fault, write ? "store" : "load", ExplainFault?.Invoke(fault.Va));
    }
}
