using Pmap.Core;
using Pmap.Core.Arch;
using Pmap.Core.Machine;
using Pmap.Core.Scenarios;

namespace Pmap.Arch.X86.Tests;

/// <summary>
/// map_pages_to_xen in early boot as the posted series runs it (arch/x86/mm.c, map_domain_page = pmap_map): idle_pg_table is
/// reached directly; virt_to_xen_l3e maps the L3 through PMAP; virt_to_xen_l2e/l1e keep the parent mapped while
/// alloc_mapped_pagetable maps, clears and unmaps the child. Every pmap_map is one l1_fixmap store (mov); every pmap_unmap
/// is one store plus one invlpg.
/// </summary>
public class X86BootWalkTests
{
    private static (XenMachine M, BootReport R) Boot(ulong ramBase, ulong size, bool trace = false)
    {
        var bank = new RamBank(new PhysAddr(ramBase), size);
        var m = new X86Model(ArchSettings.For("series-v5")).Boot(new MachineOptions { Ram = [bank], TraceEnabled = trace });
        return (m, BootScenario.Run(m, bank));
    }

    [Theory]
    // 2 GiB at 4 GiB, two 1 GiB pages. Iteration 1: virt_to_xen_l3e allocates the L3 (map 1 store, unmap 1 store + invlpg),
    // l4e_write into idle_pg_table (1), map_l3t_from_l4e (1), l3e_write (1) = 5 stores, 1 flush. Iteration 2: unmap pl3e (1 + 1),
    // map it again (1), l3e_write (1) = 3, 1. out: unmap pl3e (1 + 1). 9 stores, 3 flushes, one slot at a time.
    [InlineData(0x100000000UL, 2UL << 30, 9, 3, 1)]
    // 4 MiB at 0x100200000, two 2 MiB pages. Iteration 1: the L3 as above (4 stores, 1 flush); virt_to_xen_l2e maps the L3 again
    // (1), allocates the L2 while it is mapped (2 + 1 flush, the third slot), l3e_write (1), unmaps the L3 (1 + 1), maps the
    // L2 (1); l2e_write (1): 11 stores, 3 flushes. Iteration 2: unmap pl3e and pl2e (2 + 2), map L3 (1), virt_to_xen_l2e
    // (map L3, unmap it, map L2: 3 + 1), l2e_write (1), then check_l3 at nr_mfns == 0 maps the L2 to compare its entries
    // (1, unmap 1 + 1): 9 stores, 4 flushes. out: 2 + 2. 22 stores, 9 flushes, at most 3 slots.
    [InlineData(0x100200000UL, 4UL << 20, 22, 9, 3)]
    // 64 KiB at 0x100001000, sixteen 4 KiB pages. Iteration 1: L3 (4, 1), virt_to_xen_l2e with a new L2 (6, 2), virt_to_xen_l1e
    // with pl3e and pl2e mapped (map L3, unmap, map L2, new L1 2 + 1, l2e_write, unmap L2, map L1: 8, 3), l1e_write and unmap
    // (2, 1): 20, 7. Each of the other 15: unmap pl3e, pl2e (2, 2), map L3 (1), virt_to_xen_l2e (3, 1), map L1, write, unmap
    // (3, 1): 9, 4. The last one adds the L2 merge check and check_l3 (map, unmap: 2 + 1 each). out: 2, 2.
    // 20 + 135 + 4 + 2 = 161 stores, 7 + 60 + 2 + 2 = 71 flushes; 4 slots inside virt_to_xen_l1e.
    [InlineData(0x100001000UL, 64UL << 10, 161, 71, 4)]
    public void The_boot_walk_costs_what_virt_to_xen_lNe_cost(ulong ramBase, ulong size, long stores, long flushes, int slots)
    {
        var (_, r) = Boot(ramBase, size);
        Assert.Null(r.FirstMismatch);
        Assert.Equal((stores, flushes, slots), (r.PteWrites, r.TlbFlushes, r.MaxPmapSlotsInUse));
        Assert.Equal(0, r.PmapSlotsInUseAfter);
    }

    [Fact]
    public void The_root_is_written_directly_and_never_mapped_through_pmap()
    {
        // virt_to_xen_l3e takes &idle_pg_table[l4_table_offset(v)]: the l4e_write is a store to the static table, and no
        // pmap_map ever receives idle_pg_table's frame.
        var (m, _) = Boot(0x100000000UL, 2UL << 30, trace: true);
        var root = m.Cpu.Root.ToMfn();
        Assert.DoesNotContain(m.Trace.Events, e => e.Kind == TraceKind.Map && e.Mfn == root);
        var l4e = Assert.Single(m.Trace.Events, e => e.Kind == TraceKind.PteWrite && e.Table == "idle_pg_table");
        Assert.Equal(262, l4e.Entry); // l4_table_offset(DIRECTMAP_VIRT_START + 4 GiB) = PML4 slot 262
    }
}
