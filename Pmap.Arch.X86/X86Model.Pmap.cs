namespace Pmap.Arch.X86;

// asm/pmap.h of the posted series: the two hooks xen/common/pmap.c calls.
public sealed partial class X86Model
{
    /// <summary>The entry arch_pmap_map writes: PAGE_HYPERVISOR for the frame (with _PAGE_NX when the CPU has it).</summary>
    private ulong PmapEntry(Mfn mfn) => X86Pte.FromMfn(mfn, X86Pte.PageHypervisor(CpuHasNx));

    /// <summary>arch_pmap_map (series V4/v5 asm/pmap.h): ASSERT not present, then l1e_write: one 64-bit mov, no fence, no flush.</summary>
    public override void ArchPmapMap(IXenMachine m, int slot, Mfn mfn)
    {
        if (mfn.Value > Format.MaxMfn)
            m.Hazard($"arch_pmap_map of MFN {mfn}: beyond the {Format.PaBits}-bit PA, its bits spill into the entry's flags (Xen has no check)");
        var pl1e = Pl1e(slot);
        m.Assert((X86Pte.GetPteFlags(m.ReadPhys64(pl1e)) & X86Pte.Present) == 0, "!(l1e_get_flags(*pl1e) & _PAGE_PRESENT)", "arch_pmap_map",
            "arch/x86/include/asm/pmap.h");
        m.WritePte(pl1e, PmapEntry(mfn), X86Rules.Mov);
    }

    /// <summary>arch_pmap_unmap: l1e_write(l1e_empty()), then flush_tlb_one_local = invlpg of the linear address.</summary>
    public override void ArchPmapUnmap(IXenMachine m, int slot)
    {
        m.WritePte(Pl1e(slot), 0, X86Rules.Mov);
        m.FlushTlbVa(X86Rules.Invlpg, Fixmap.FixToVirt(slot));
    }
}
