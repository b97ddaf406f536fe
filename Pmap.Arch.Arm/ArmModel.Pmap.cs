namespace Pmap.Arch.Arm;

// asm/pmap.h: the two hooks xen/common/pmap.c calls.
public abstract partial class ArmModel
{
    /// <summary>asm/pmap.h arch_pmap_map.</summary>
    public override void ArchPmapMap(IXenMachine m, int slot, Mfn mfn)
    {
        var entry = XenFixmap.Add((ulong)slot * Page.EntryBytes);
        m.Assert(!Lpae.IsValid(m.ReadPhys64(entry)), "!lpae_is_valid(*entry)", "arch_pmap_map", "arch/arm/include/asm/pmap.h:13");
        // PAGE_HYPERVISOR_RW (a flags word) where an MT index is expected: ai = 0x2f & 7 = MT_NORMAL, sh = inner.
        var pte = Lpae.MfnToXenEntry(mfn, Lpae.PageHypervisorRw, PaddrBits, m.Debug) | Lpae.Table;
        WritePte(m, entry, pte);
        if (ArmProfile.IsbAfterPmapWrite) m.ContextSynchronize(Isa.Isb); // feaa9aca87
    }

    /// <summary>asm/pmap.h arch_pmap_unmap: zero the entry, then flush_xen_tlb_range_va_local(FIXMAP_ADDR(slot), PAGE_SIZE).</summary>
    public override void ArchPmapUnmap(IXenMachine m, int slot)
    {
        WritePte(m, XenFixmap.Add((ulong)slot * Page.EntryBytes), 0);
        FlushXenTlbRangeVaLocal(m, FixmapAddr(slot), Page.Size);
    }
}
