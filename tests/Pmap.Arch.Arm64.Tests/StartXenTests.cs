using Pmap.Arch.Arm;
using Pmap.Core;
using Pmap.Core.Arch;
using Pmap.Core.Machine;
using Pmap.Core.Scenarios;

namespace Pmap.Arch.Arm64.Tests;

/// <summary>
/// start_xen's mappings besides the directmap (RELEASE-4.17.7 arch/arm/setup.c, mm.c, common/vmap.c): early_fdt_map and
/// setup_frametable_mappings through PMAP, then the VMAP once system_state is SYS_STATE_boot. Values from Xen's arithmetic.
/// </summary>
public class StartXenTests
{
    private static (XenMachine M, BootReport R) Boot(ulong ramSize, string profile = "xen-4.17")
    {
        var bank = new RamBank(new PhysAddr(0x4000_0000), ramSize);
        var m = new Arm64Architecture().Create(ArchSettings.For(profile)).Boot(new MachineOptions { Ram = [bank] });
        return (m, BootScenario.Run(m, bank));
    }

    private static ulong Entry(XenMachine m, PhysAddr table, int index) => m.Memory.Read64(table.Add((ulong)index * 8));

    private static PhysAddr Next(XenMachine m, PhysAddr table, int index) => Lpae.GetMfn(Entry(m, table, index)).ToPhysAddr();

    [Fact]
    public void Early_fdt_map_puts_the_loaders_tree_in_a_read_only_2M_block_at_boot_fdt_virt_start()
    {
        // QEMU's loader: DTB at RAM base + min(RAM / 2, 128 MiB) = 0x48000000. BOOT_FDT_VIRT_START 0x600000 = xen_second[3].
        // 0xffd = PAGE_HYPERVISOR_RO's 4K leaf 0xfff (AI 7, RO, AF, SH inner, NS) less the table bit (a level-2 block);
        // XN (bit 54) set. Debian's 4.17.7 under QEMU has the same entry.
        var (m, r) = Boot(2UL << 30);
        var fdt = Assert.Single(r.BootMappings, b => b.Function == "early_fdt_map");
        Assert.Equal((0x600000UL, 0x4800_0000UL, 512UL), (fdt.Va.Value, fdt.Pa.Value, fdt.Pages));
        var model = (Arm64Model)m.Arch;
        Assert.Equal(0x0040_0000_4800_0FFDUL, Entry(m, model.StaticTable("xen_second"), 3));
    }

    [Theory]
    [InlineData(1UL << 30, 7, 0x7E00_0000UL, false)] // 262144 pages × 56 = 14 MiB: 7 2 MiB blocks
    [InlineData(2UL << 30, 14, 0xBE00_0000UL, false)] // 28 MiB: 14 blocks
    [InlineData(3UL << 30, 32, 0xFA00_0000UL, true)] // 42 MiB ≥ 32 MiB: rounded to 64 MiB, two contiguous runs of 16
    [InlineData(4UL << 30, 32, 0x1_3A00_0000UL, true)] // 56 MiB: 64 MiB
    public void Setup_frametable_mappings_maps_56_bytes_a_frame_rounded_to_2M_or_32M(ulong ram, int blocks, ulong at, bool contig)
    {
        // alloc_boot_pages(size, 32 MiB of frames) from the top: (end - nr) & ~8191, below the directmap's table.
        var (m, r) = Boot(ram);
        var ft = Assert.Single(r.BootMappings, b => b.Function == "setup_frametable_mappings");
        Assert.Equal((0x8_0000_0000UL, at, (ulong)blocks * 512), (ft.Va.Value, ft.Pa.Value, ft.Pages));
        var model = (Arm64Model)m.Arch;
        var second = Next(m, model.StaticTable("xen_first"), 32); // FRAMETABLE_VIRT_START 32 GiB
        for (var i = 0; i < 512; i++)
        {
            // PAGE_HYPERVISOR_RW | _PAGE_BLOCK: 0xf7d (0xf7f less the table bit), XN, and the contiguous hint (bit 52) in runs of 16.
            var expected = i < blocks ? 0x0040_0000_0000_0F7DUL | (at + ((ulong)i << 21)) | (contig ? 1UL << 52 : 0) : 0;
            Assert.Equal(expected, Entry(m, second, i));
        }
    }

    [Theory]
    [InlineData(1UL << 30, 56)]
    [InlineData(2UL << 30, 102)]
    [InlineData(3UL << 30, 214)]
    [InlineData(4UL << 30, 218)]
    public void The_boot_makes_xens_pmap_calls_in_order(ulong ram, int calls)
    {
        // xen_pt_update_entry to level L maps the root and each table down to L: 2 (L + 1) calls, 2 more for each new table.
        // early_fdt_map: one level-2 entry (6). Directmap: one level-1 entry per GiB (4 each) and its new table (2). Frame
        // table: each 2 MiB block (6) and its new table (2). 2 GiB: 6 + 10 + 86 = 102, the count Xen 4.17.7 makes under QEMU.
        var (m, _) = Boot(ram);
        var pmap = m.Trace.Events.Where(e => e.Kind is TraceKind.Map or TraceKind.Unmap).ToList();
        var gib = (int)(ram >> 30);
        var bytes = (ram >> 12) * Arm64Model.PageInfoSize;
        var mapping = bytes < 32UL << 20 ? 2UL << 20 : 32UL << 20; // rounded up to this, mapped in 2 MiB blocks
        var frametableBlocks = (int)(((bytes + mapping - 1) & ~(mapping - 1)) >> 21);
        Assert.Equal(6 + (4 * gib + 2) + (6 * frametableBlocks + 2), pmap.Count);
        Assert.Equal(calls, pmap.Count);
        // The first six walk the static root chain for the FDT: xen_pgtable, xen_first, xen_second, each mapped then unmapped.
        var model = (Arm64Model)m.Arch;
        Assert.Equal(new[] { "xen_pgtable", "xen_first", "xen_second" }.Select(t => model.StaticTable(t).ToMfn()),
            pmap.Take(6).Where(e => e.Kind == TraceKind.Map).Select(e => e.Mfn!.Value));
        Assert.All(pmap, e => Assert.InRange(e.Slot!.Value, 66, 67)); // FIX_PMAP_BEGIN and the next
    }

    [Fact]
    public void The_vmap_holds_the_bitmap_the_devices_and_the_maptrack_and_what_vunmap_left_empty()
    {
        var (m, r) = Boot(2UL << 30);
        var model = (Arm64Model)m.Arch;
        var second = Next(m, model.StaticTable("xen_first"), 1); // VMAP_VIRT_START 1 GiB
        var valid = Enumerable.Range(0, 512).Where(i => Lpae.IsValid(Entry(m, second, i))).ToList();
        Assert.Equal(Enumerable.Range(0, 9), valid); // slots 0..4476 (the image's 512-page vmap) span nine level-3 tables
        ulong Slot(int n) => Entry(m, Next(m, second, n >> 9), n & 511);
        // vm_init: vm_end 262144 bits, vm_low = PFN_UP(262144 / 8) = 8, one bitmap page mapped at slot 0, PAGE_HYPERVISOR.
        Assert.Equal(0x0040_0000_0000_0F7FUL, Slot(0) & ~Lpae.BaseMask);
        Assert.All(Enumerable.Range(1, 8), n => Assert.Equal(0UL, Slot(n))); // the rest of the bitmap, then the guard page
        // ioremap_nocache, PAGE_HYPERVISOR_NOCACHE (0xe73: AI 4 device nGnRE, SH outer), each behind one guard page.
        Assert.Equal(0x0040_0000_0900_0E73UL, Slot(9)); // pl011
        Assert.Equal(0UL, Slot(10));
        Assert.All(Enumerable.Range(0, 16), i => Assert.Equal(0x0040_0000_0800_0E73UL + ((ulong)i << 12), Slot(11 + i))); // GICD
        Assert.Equal(0UL, Slot(27));
        Assert.All(Enumerable.Range(0, 3936), i => Assert.Equal(0x0040_0000_080A_0E73UL + ((ulong)i << 12), Slot(28 + i))); // GICR
        Assert.Equal(0UL, Slot(3964));
        // vunmap of the image's vmap let vm_free lower vm_low to 3964: the maptrack's two pages (1024 × 8 bytes) go there.
        Assert.All(new[] { 3965, 3966 }, n => Assert.Equal(0x0040_0000_0000_0F7FUL, Slot(n) & ~Lpae.BaseMask));
        Assert.All(Enumerable.Range(3967, 4608 - 3967), n => Assert.Equal(0UL, Slot(n)));
        // The boot's mappings still in place (the image's vmap for apply_alternatives_all is gone); heap frames the model does
        // not predict (taken after Xen's xmallocs) marked as such, vm_init's (the heap's first page) not.
        Assert.Equal([("vm_init", false), ("pl011_uart_init", false), ("gicv3_ioremap_distributor", false), ("gicv3_init", false),
            ("grant_table_init", true), ("grant_table_init", true)], r.BootMappings.Skip(2).Select(b => (b.Function, b.HeapFrames)));
    }

    /// <summary>
    /// end_boot_allocator then vm_init: the bitmap page is the first page Xen's heap hands out, and its tables the next ones.
    /// Debian's 4.17.7 under QEMU (VMAP slot 0): at 2 GiB the bitmap at 0xbfffd000 in level-3 table 0xbfffb000 under level-2
    /// table 0xbfffc000 (the top zone, MFNs from 0x80000, goes first: what the boot allocator left at the top of RAM); at 1 GiB
    /// one zone only, and its first order-0 buddy is the page after the FDT (0x48000000 + fdt_totalsize 0x8a22): 0x48009000.
    /// </summary>
    [Theory]
    [InlineData(2UL << 30, 0xBFFF_D000UL)]
    [InlineData(1UL << 30, 0x4800_9000UL)]
    public void Vm_init_maps_the_first_page_of_xens_heap(ulong ram, ulong bitmap)
    {
        var (m, r) = Boot(ram);
        var vmInit = Assert.Single(r.BootMappings, b => b.Function == "vm_init");
        Assert.Equal(bitmap, vmInit.Pa.Value);
        Assert.False(vmInit.HeapFrames);
        var model = (Arm64Model)m.Arch;
        var second = Next(m, model.StaticTable("xen_first"), 1);
        Assert.Equal(0x0040_0000_0000_0F7FUL | bitmap, Entry(m, Next(m, second, 0), 0));
        if (ram == 2UL << 30) Assert.Equal((0xBFFF_C000UL, 0xBFFF_B000UL), (second.Value, Next(m, second, 0).Value));
    }

    /// <summary>boot_fdt_info keeps the FDT (fdt_totalsize bytes at fdt_paddr) out of the boot allocator; Xen's image too.</summary>
    [Fact]
    public void The_fdt_and_xens_image_are_not_handed_to_the_heap()
    {
        var (m, _) = Boot(1UL << 30);
        var heapPages = m.Heap!.FreePages;
        // 1 GiB less Xen's image (0x40200000..0x40337000 in 4.17.7), the FDT's 9 pages, what the boot took and what vmap took since.
        Assert.True(heapPages < (1UL << 18) - 0x137 - 9);
        while (m.Heap.AllocDomheapPage() is { } mfn)
        {
            Assert.False(mfn is >= 0x48000 and < 0x48009, $"{mfn:x} is in the FDT");
            Assert.False(mfn is >= 0x40200 and < 0x40337, $"{mfn:x} is in Xen's image");
        }
    }
}
