using System.Runtime.CompilerServices;

namespace Pmap.Port;

/// <summary>
/// The machine as a port's hooks see it: the one CPU running Xen's early boot, its memory, and the primitives Xen's code
/// executes. Every PTE store, barrier and TLB maintenance goes through here, as an <see cref="Instruction"/> the port declared,
/// so the engine can count, trace and check it; the call site (filled in by the compiler) names it for the ordering checker.
/// </summary>
public interface IXenMachine
{
    /// <summary>A debug build of Xen: ASSERTs are evaluated.</summary>
    bool Debug { get; }

    /// <summary>Xen's system_state.</summary>
    SystemState SystemState { get; }

    /// <summary>The page-table root register (TTBR0_EL2, HTTBR, CR3, satp) as a physical address.</summary>
    PhysAddr Root { get; set; }

    /// <summary>ASSERT(condition): evaluated only in a debug build; <paramref name="site"/> is Xen's file:line.</summary>
    void Assert(bool condition, string text, string where, string? site = null);

    /// <summary>printk (or mm_printk in a debug build).</summary>
    void Printk(string message);

    /// <summary>Records something the model lets pass but a real CPU may not (or release Xen does silently).</summary>
    void Hazard(string detail, VirtAddr? va = null);

    /// <summary>
    /// Brackets a Xen function that must leave its mappings ready for use (the engine brackets arch_pmap_map/unmap; a port
    /// brackets its xen_pt_update): <c>using var _ = m.Hook("xen_pt_update", virt);</c>. At its end the rules are applied.
    /// </summary>
    IDisposable Hook(string name, VirtAddr? va = null);

    /// <summary>Gives a table page a name for the trace (xen_fixmap, xen_second, ...).</summary>
    void NameTable(PhysAddr table, string name);

    /// <summary>A new page-table page (create_xen_table): alloc_boot_pages(1, 1), or alloc_domheap_page after end_boot_allocator.</summary>
    Mfn AllocTablePage(int level);

    /// <summary>alloc_boot_pages(nr_pfns, pfn_align): <paramref name="nr"/> frames aligned to <paramref name="align"/> frames, top down.</summary>
    /// <remarks>A default so that the interface grows compatibly; the engine's machine implements it.</remarks>
    Mfn AllocBootPages(ulong nr, ulong align) => throw new NotSupportedException("this machine has no boot allocator");

    /// <summary>
    /// end_boot_allocator(): what is left of the boot allocator becomes Xen's heap (buddies of at most 2^<paramref name="maxOrder"/>
    /// pages, MAX_ORDER); from then on table pages and <see cref="AllocDomheapPage"/> come from it.
    /// </summary>
    void EndBootAllocator(int maxOrder) => throw new NotSupportedException("this machine has no heap");

    /// <summary>alloc_domheap_page(NULL, 0) after <see cref="EndBootAllocator"/>: the page Xen's buddy allocator hands out.</summary>
    Mfn AllocDomheapPage() => throw new NotSupportedException("this machine has no heap");

    /// <summary>Keeps [start, limit) out of the boot allocator (populate_boot_allocator skipping a region).</summary>
    void ReserveBootPages(PhysAddr start, PhysAddr limit);

    /// <summary>A load straight from physical memory (before the MMU, or a table in Xen's image).</summary>
    ulong ReadPhys64(PhysAddr pa);

    /// <summary>A store straight into physical memory that is not a PTE write of interest (head.S building the boot tables).</summary>
    void WritePhys64(PhysAddr pa, ulong value);

    /// <summary>A PTE store straight into physical memory (Xen writing its static tables through its image mapping).</summary>
    void WritePte(PhysAddr entryPa, ulong value, Instruction storeOp, [CallerMemberName] string member = "", [CallerLineNumber] int line = 0);

    /// <summary>A PTE store through a virtual address (a table reached through PMAP): translated, then stored.</summary>
    void WritePteVirt(VirtAddr entryVa, ulong value, Instruction storeOp, [CallerMemberName] string member = "", [CallerLineNumber] int line = 0);

    /// <summary>A barrier (dsb sy, dsb nshst, fence): what it orders is the effect its port declared.</summary>
    void Barrier(Instruction op, [CallerMemberName] string member = "", [CallerLineNumber] int line = 0);

    /// <summary>A context-synchronising barrier (isb): later translations see every completed PTE write.</summary>
    void ContextSynchronize(Instruction op, [CallerMemberName] string member = "", [CallerLineNumber] int line = 0);

    /// <summary>Invalidate this CPU's TLB entry for one VA (tlbi vae2, TLBIMVAH, invlpg, sfence.vma).</summary>
    void FlushTlbVa(Instruction op, VirtAddr va, ulong? reg = null, [CallerMemberName] string member = "", [CallerLineNumber] int line = 0);

    /// <summary>Invalidate every TLB entry (tlbi alle2, a CR3 write, an SBI remote sfence.vma of the whole space).</summary>
    void FlushTlbAll(Instruction op, [CallerMemberName] string member = "", [CallerLineNumber] int line = 0);

    /// <summary>An 8-byte load through a virtual address: TLB, then walk. Throws the fault Xen would die of.</summary>
    ulong ReadVirt64(VirtAddr va);

    /// <summary>clear_page(va).</summary>
    void ClearPageVirt(VirtAddr va);

    /// <summary>xen/common/pmap.c pmap_map(mfn): the slot's VA.</summary>
    VirtAddr PmapMap(Mfn mfn);

    /// <summary>xen/common/pmap.c pmap_unmap(va).</summary>
    void PmapUnmap(VirtAddr va);
}
