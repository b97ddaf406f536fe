namespace Pmap.Arch.Arm;

// asm/arm64/page.h and asm/arm32/page.h: write_pte, the one way Xen stores an entry.
public abstract partial class ArmModel
{
    /// <summary>write_pte: dsb sy; str/strd; dsb sy (4.17 inline asm; HEAD dsb(sy), write_atomic, dsb(sy)).</summary>
    public void WritePte(IXenMachine m, PhysAddr entry, ulong pte)
    {
        m.Barrier(Isa.DsbSy);
        m.WritePte(entry, pte, Isa.Store);
        m.Barrier(Isa.DsbSy);
    }

    /// <summary>write_pte through a PMAP (or other) virtual address.</summary>
    public void WritePteVirt(IXenMachine m, VirtAddr entry, ulong pte)
    {
        m.Barrier(Isa.DsbSy);
        m.WritePteVirt(entry, pte, Isa.Store);
        m.Barrier(Isa.DsbSy);
    }
}
