namespace Pmap.Arch.Arm;

// asm/flushtlb.h: the hypervisor TLB flushes, local and broadcast.
public abstract partial class ArmModel
{
    /// <summary>flush_xen_tlb_range_va_local: barrier, one TLB invalidate per page, barrier, isb.</summary>
    public void FlushXenTlbRangeVaLocal(IXenMachine m, VirtAddr va, ulong size)
    {
        m.Barrier(_flushBarrierBefore);
        for (var off = 0UL; off < size; off += Page.Size) m.FlushTlbVa(Isa.TlbiVa, va.Add(off), reg: va.Add(off).Value >> Port.TlbiRegShift);
        m.Barrier(_flushBarrierAfter);
        m.ContextSynchronize(Isa.Isb);
    }

    /// <summary>
    /// flush_xen_tlb_range_va, the broadcast (inner-shareable) flush: 4.17.0–4.17.6 dsb sy; tlbi vae2is ×N; dsb sy; isb (c9a82940af);
    /// from 5e5d1a43e1 (4.18.0, 4.17.7 by 333c263bba) dsb ishst; tlbi vae2is ×N; dsb ish; isb. The repeat-TLBI forms
    /// (cbfaf6ccd2, __tlb_repeat_sync from 7c502d7591) are ALTERNATIVEs left as nops in early boot (docs/XEN_FACTS.md, the TLB flush).
    /// </summary>
    public void FlushXenTlbRangeVa(IXenMachine m, VirtAddr va, ulong size)
    {
        var sy = ArmProfile.Release.LocalFlush.Value == ArmLocalFlush.Sy; // both helpers changed barriers in the same commits
        m.Barrier(sy ? Isa.DsbSy : Isa.DsbIshst);
        for (var off = 0UL; off < size; off += Page.Size)
            m.FlushTlbVa(Isa.TlbiVaBroadcast, va.Add(off), reg: va.Add(off).Value >> Port.TlbiRegShift);
        m.Barrier(sy ? Isa.DsbSy : Isa.DsbIsh);
        m.ContextSynchronize(Isa.Isb);
    }
}
