namespace Pmap.Core.Machine;

// Translated accesses and inspection walks: what Xen's loads and stores, and a debugger, see through the tables.
public sealed partial class XenMachine
{
    /// <summary>A walk of the tables as they are in memory, with no TLB and no ordering: what a debugger sees.</summary>
    public PhysAddr? WalkFast(VirtAddr va, out ulong leafEntry, out int leafLevel, out TranslationFault? fault) =>
        Walker.Walk(Cpu.Root, va, null, hardware: false, out leafEntry, out leafLevel, out fault);

    /// <summary>The inspection walk with no fault described: where <paramref name="va"/> leads and its leaf, or null.</summary>
    internal PhysAddr? WalkFast(VirtAddr va, out ulong leafEntry) => Walker.WalkUndescribed(Cpu.Root, va, out leafEntry);

    /// <summary>The same inspection walk with every level recorded, for display.</summary>
    public WalkResult WalkDetailed(VirtAddr va)
    {
        var steps = new List<WalkStep>(Format.Levels);
        var pa = Walker.Walk(Cpu.Root, va, steps, hardware: false, out var leaf, out var level, out var fault);
        return new WalkResult(va, pa, fault, steps, leaf, fault is null ? level : null);
    }

    /// <summary>Translation as a load/store sees it: TLB, then walk and fill. Throws the fault Xen would die of.</summary>
    public PhysAddr Translate(VirtAddr va, bool write = false) => Mmu.Translate(va, write);

    /// <summary>An 8-byte load through a virtual address.</summary>
    public ulong ReadVirt64(VirtAddr va) => Mmu.Read64(va);

    /// <summary>An 8-byte store through a virtual address.</summary>
    public void WriteVirt64(VirtAddr va, ulong value) => Mmu.Write64(va, value, out _);

    /// <summary>clear_page(va).</summary>
    public void ClearPageVirt(VirtAddr va) => Mmu.ClearPage(va);
}
