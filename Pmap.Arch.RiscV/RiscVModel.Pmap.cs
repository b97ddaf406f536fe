namespace Pmap.Arch.RiscV;

// asm/pmap.h: the two hooks xen/common/pmap.c calls, and the helpers they call (named as Xen's, so the trace names them).
public sealed partial class RiscVModel
{
    /// <summary>asm/pmap.h arch_pmap_map: ASSERT invalid, write_pte (a plain sd), then flush_tlb_one_local = sfence.vma va.</summary>
    public override void ArchPmapMap(IXenMachine m, int slot, Mfn mfn)
    {
        if (mfn.Value > Format.MaxMfn)
            m.Hazard($"arch_pmap_map of MFN {mfn}: beyond the {Format.PaBits}-bit PA, pte_from_mfn drops its top bits (Xen has no check)");
        var entry = XenFixmap.Add((ulong)slot * 8);
        m.Assert(!Sv39Pte.IsValid(m.ReadPhys64(entry)), "!pte_is_valid(*entry)", "arch_pmap_map", "arch/riscv/include/asm/pmap.h:19");
        WritePte(m, entry, Sv39Pte.FromMfn(mfn, Sv39Pte.PageHypervisorRw));
        if (MapSfence) FlushTlbOneLocal(m, FixmapAddr(slot));
    }

    /// <summary>asm/pmap.h arch_pmap_unmap: write_pte(zero), then flush_tlb_one_local = sfence.vma va.</summary>
    public override void ArchPmapUnmap(IXenMachine m, int slot)
    {
        WritePte(m, XenFixmap.Add((ulong)slot * 8), 0);
        FlushTlbOneLocal(m, FixmapAddr(slot));
    }

    /// <summary>asm/page.h write_pte: a plain store of the entry.</summary>
    private static void WritePte(IXenMachine m, PhysAddr entry, ulong pte) => m.WritePte(entry, pte, RiscVRules.Sd);

    /// <summary>asm/flushtlb.h flush_tlb_one_local: sfence.vma of the VA.</summary>
    private static void FlushTlbOneLocal(IXenMachine m, VirtAddr va) => m.FlushTlbVa(RiscVRules.SfenceVma, va);
}
