using Pmap.Arch.Arm;

namespace Pmap.Arch.Arm64;

/// <summary>
/// start_xen's early_boot mappings around setup_directmap_mappings (4.17 arch/arm/setup.c and mm.c): early_fdt_map right after
/// setup_pagetables, and setup_mm's setup_frametable_mappings after the directmap, both through map_pages_to_xen with every
/// table reached through PMAP (system_state is still early_boot).
/// </summary>
public sealed partial class Arm64Model
{
    /// <summary>sizeof(struct page_info) on arm64 (asm/mm.h: list 16, count_info 8, u 8, v 8, tlbflush_timestamp 4 + 4, pad 8).</summary>
    public const ulong PageInfoSize = 56;

    /// <summary>FIXMAP_VIRT_SIZE: the fixmap's 2 MiB slot of xen_second; the boot FDT's window follows it.</summary>
    private const ulong FixmapVirtSize = 2UL << 20;

    /// <summary>SECOND_SIZE: early_fdt_map maps the FDT with 2 MiB blocks; SZ_2M.</summary>
    private const ulong SecondSize = 1UL << 21;

    /// <summary>
    /// The RAM the loader keeps below the device tree: QEMU's direct kernel boot (hw/arm/boot.c) puts the initrd at
    /// RAM base + min(RAM / 2, 128 MiB) and the DTB after it (no initrd here), 2 MiB aligned: 0x48000000 on virt from 256 MiB up.
    /// </summary>
    private const ulong LoaderInitrdOffsetMax = 128UL << 20;

    /// <summary>
    /// setup_frametable_mappings over [ram_start, ram_end) with one map_pages_to_xen; from 10d417b8b6 (4.22) init_frametable maps
    /// per valid PDX group instead, which the model does not run.
    /// </summary>
    public static FactTimeline<bool> FrametableByRange { get; } = new("setup_frametable_mappings over [ram_start, ram_end)",
        [new(true, null, "4.17.0"), new(false, "10d417b8b62e", "4.22.0")]);

    /// <summary>BOOT_FDT_VIRT_START: FIXMAP_VIRT_START + FIXMAP_VIRT_SIZE (0x600000 in 4.17's asm/config.h).</summary>
    public VirtAddr BootFdtVirtStart => new(ArmProfile.FixmapBase + FixmapVirtSize);

    /// <summary>FRAMETABLE_VIRT_START: 32 GiB into Xen's first 512 GiB slot (SLOT0(0) in 4.17, XEN_VM_MAPPING later).</summary>
    public VirtAddr FrametableVirtStart => new(ArmProfile.XenVirtStart - (2UL << 20) + (32UL << 30));

    /// <summary>
    /// fdt_totalsize of the device tree QEMU 7.2 (Debian 12) loads for pmap's virt machine with its bootargs, as read from the
    /// FDT header in a booted guest at 1 to 4 GiB: boot_fdt_info keeps that much at fdt_paddr out of the boot allocator
    /// (BOOTMOD_FDT), so Xen's heap starts at the next page after it. Another QEMU's tree may differ in size.
    /// </summary>
    public const ulong QemuVirtFdtSize = 0x8a22;

    /// <summary>Where the boot loader hands Xen the device tree in <paramref name="bank"/> (fdt_paddr, x0 at entry).</summary>
    public static PhysAddr FdtPaddr(RamBank bank) =>
        bank.Base.Add((Math.Min(bank.Size / 2, LoaderInitrdOffsetMax) + SecondSize - 1) & ~(SecondSize - 1));

    /// <summary>
    /// early_fdt_map(fdt_paddr): the 2 MiB around the FDT at BOOT_FDT_VIRT_START, PAGE_HYPERVISOR_RO | _PAGE_BLOCK. The second
    /// block, for a tree crossing the first 2 MiB, is not needed: the loader's tree starts 2 MiB aligned and is far smaller.
    /// The tree itself (<see cref="QemuVirtFdtSize"/> bytes) is kept out of the boot allocator.
    /// </summary>
    public override IReadOnlyList<XenBootMapping> MapsBeforeDirectmap(IXenMachine m, RamBank bank)
    {
        var basePaddr = new PhysAddr(FdtPaddr(bank).Value & ~(SecondSize - 1));
        var pages = SecondSize >> Page.Shift;
        var rc = new XenPageTables(this, m).MapPagesToXen(BootFdtVirtStart, basePaddr.ToMfn(), pages, Lpae.PageHypervisorRo | Lpae.PageBlock);
        if (rc != 0) throw new XenPanicException("Unable to map the device-tree.", "early_fdt_map", "arch/arm/mm.c");
        // boot_fdt_info: add_boot_module(BOOTMOD_FDT, fdt_paddr, fdt_totalsize), which populate_boot_allocator skips.
        m.ReserveBootPages(FdtPaddr(bank), FdtPaddr(bank).Add(QemuVirtFdtSize));
        return [new XenBootMapping("early_fdt_map", BootFdtVirtStart, basePaddr, pages)];
    }

    /// <summary>
    /// setup_frametable_mappings(ram_start, ram_end): nr_pdxs × sizeof(struct page_info) rounded up to 2 MiB (under 32 MiB) or
    /// 32 MiB, alloc_boot_pages(size, 32 MiB of frames), map_pages_to_xen at FRAMETABLE_VIRT_START, PAGE_HYPERVISOR_RW | _PAGE_BLOCK.
    /// One bank: the PDX of every frame is its MFN less the bank's first (no hole to compress).
    /// </summary>
    public override IReadOnlyList<XenBootMapping> MapsAfterDirectmap(IXenMachine m, RamBank bank)
    {
        if (!FrametableByRange.Of(ArmProfile.Release.Release).Value) return [];
        var nrPdxs = bank.Size >> Page.Shift;
        var frametableSize = nrPdxs * PageInfoSize;
        var mappingSize = frametableSize < 32UL << 20 ? 2UL << 20 : 32UL << 20;
        frametableSize = (frametableSize + mappingSize - 1) & ~(mappingSize - 1);
        var baseMfn = m.AllocBootPages(frametableSize >> Page.Shift, 32UL << (20 - Page.Shift));
        var rc = new XenPageTables(this, m).MapPagesToXen(FrametableVirtStart, baseMfn, frametableSize >> Page.Shift,
            Lpae.PageHypervisorRw | Lpae.PageBlock);
        if (rc != 0) throw new XenPanicException("Unable to setup the frametable mappings.", "setup_frametable_mappings", "arch/arm/mm.c");
        return [new XenBootMapping("setup_frametable_mappings", FrametableVirtStart, baseMfn.ToPhysAddr(), frametableSize >> Page.Shift)];
    }
}
