using Pmap.Arch.Arm;

namespace Pmap.Arch.Arm64;

/// <summary>
/// start_xen's early_boot mappings around setup_directmap_mappings (4.17 arch/arm/setup.c and mm.c; later releases as each
/// timeline says): from 4.18 switch_ttbr's identity map, early_fdt_map right after setup_pagetables, and setup_mm's frame table
/// after the directmap, from 4.19 vm_init, all through map_pages_to_xen with every table reached through PMAP (system_state is
/// still early_boot).
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
    /// a chunk per run of valid PDX groups instead.
    /// </summary>
    public static FactTimeline<bool> FrametableByRange { get; } = new("setup_frametable_mappings over [ram_start, ram_end)",
        [new(true, null, "4.17.0"), new(false, "10d417b8b62e", "4.22.0")]);

    /// <summary>vm_init runs before end_boot_allocator, in early boot: its tables reached through PMAP, its pages boot pages.</summary>
    public static FactTimeline<bool> VmInitInEarlyBoot { get; } = new("vm_init before end_boot_allocator",
        [new(false, null, "4.17.0"), new(true, "2213b5a293f7", "4.19.0")]);

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
    /// From 4.18 the boot tables and switch_ttbr first (<see cref="BootTablesUntilSwitchTtbr"/>); then early_fdt_map(fdt_paddr):
    /// the 2 MiB around the FDT at BOOT_FDT_VIRT_START, PAGE_HYPERVISOR_RO | _PAGE_BLOCK. The second block, for a tree crossing
    /// the first 2 MiB, is not needed: the loader's tree starts 2 MiB aligned and is far smaller. The tree itself
    /// (<see cref="QemuVirtFdtSize"/> bytes) is kept out of the boot allocator.
    /// </summary>
    public override IReadOnlyList<XenBootMapping> MapsBeforeDirectmap(IXenMachine m, RamBank bank)
    {
        var basePaddr = new PhysAddr(FdtPaddr(bank).Value & ~(SecondSize - 1));
        BootTablesUntilSwitchTtbr(m, basePaddr);
        EarlyFdtMap(m, basePaddr);
        // boot_fdt_info: add_boot_module(BOOTMOD_FDT, fdt_paddr, fdt_totalsize), which populate_boot_allocator skips.
        m.ReserveBootPages(FdtPaddr(bank), FdtPaddr(bank).Add(QemuVirtFdtSize));
        return [new XenBootMapping("early_fdt_map", BootFdtVirtStart, basePaddr, SecondSize >> Page.Shift)];
    }

    /// <summary>early_fdt_map's map_pages_to_xen of the FDT's first 2 MiB, on whichever tables TTBR0_EL2 holds.</summary>
    private void EarlyFdtMap(IXenMachine m, PhysAddr basePaddr)
    {
        var rc = new XenPageTables(this, m).MapPagesToXen(BootFdtVirtStart, basePaddr.ToMfn(), SecondSize >> Page.Shift,
            Lpae.PageHypervisorRo | Lpae.PageBlock);
        if (rc != 0) throw new XenPanicException("Unable to map the device-tree.", "early_fdt_map", "arch/arm/mm.c");
    }

    /// <summary>
    /// setup_mm's frame table, then from 2213b5a293 (4.19) vm_init, both in early boot. Until 4.21 setup_frametable_mappings(ram_start,
    /// ram_end): nr_pdxs × sizeof(struct page_info) rounded up to 2 MiB (under 32 MiB) or 32 MiB, alloc_boot_pages(size, 32 MiB of
    /// frames), map_pages_to_xen at FRAMETABLE_VIRT_START, PAGE_HYPERVISOR_RW | _PAGE_BLOCK; from 10d417b8b6 (4.22) init_frametable.
    /// One bank: the PDX of every frame is its MFN (no hole to compress).
    /// </summary>
    public override IReadOnlyList<XenBootMapping> MapsAfterDirectmap(IXenMachine m, RamBank bank)
    {
        var made = new List<XenBootMapping>
        {
            FrametableByRange.Of(ArmProfile.Release.Release).Value ? SetupFrametableMappings(m, bank) : InitFrametable(m, bank),
        };
        _earlyVmap = null;
        if (VmInitInEarlyBoot.Of(ArmProfile.Release.Release).Value)
        {
            var vmap = NewVmap(m, bank);
            vmap.VmInit();
            made.AddRange(vmap.Made);
            vmap.Made.Clear();
            _earlyVmap = (m, vmap);
        }
        return made;
    }

    private XenBootMapping SetupFrametableMappings(IXenMachine m, RamBank bank)
    {
        var nrPdxs = bank.Size >> Page.Shift;
        var frametableSize = nrPdxs * PageInfoSize;
        if (FrametableSizeChecked.Of(ArmProfile.Release.Release).Value && frametableSize > FrametableSize)
        {
            throw new XenPanicException($"The frametable cannot cover the physical region {PaddrText(bank.Base.Value)} - " +
                $"{PaddrText(bank.Base.Value + bank.Size)}", "setup_frametable_mappings", "arch/arm/mm.c");
        }
        var mappingSize = frametableSize < 32UL << 20 ? 2UL << 20 : 32UL << 20;
        frametableSize = (frametableSize + mappingSize - 1) & ~(mappingSize - 1);
        var baseMfn = m.AllocBootPages(frametableSize >> Page.Shift, 32UL << (20 - Page.Shift));
        var rc = new XenPageTables(this, m).MapPagesToXen(FrametableVirtStart, baseMfn, frametableSize >> Page.Shift,
            Lpae.PageHypervisorRw | Lpae.PageBlock);
        if (rc != 0) throw new XenPanicException("Unable to setup the frametable mappings.", "setup_frametable_mappings", "arch/arm/mm.c");
        return new XenBootMapping("setup_frametable_mappings", FrametableVirtStart, baseMfn.ToPhysAddr(), frametableSize >> Page.Shift);
    }

    /// <summary>PDX_GROUP_COUNT: (1 &lt;&lt; PDX_GROUP_SHIFT (SECOND_SHIFT)) / (sizeof(struct page_info) &amp; -sizeof(struct page_info)).</summary>
    private const ulong PdxGroupCount = (1UL << 21) / (PageInfoSize & (~PageInfoSize + 1));

    /// <summary>FRAMETABLE_NR: FRAMETABLE_SIZE / sizeof(struct page_info).</summary>
    private const ulong FrametableNr = FrametableSize / PageInfoSize;

    /// <summary>setup_frametable_mappings panics when the frame table would outgrow FRAMETABLE_SIZE (4.17 maps past it).</summary>
    public static FactTimeline<bool> FrametableSizeChecked { get; } = new("setup_frametable_mappings checks FRAMETABLE_SIZE",
        [new(false, null, "4.17.0"), new(true, "93017efd7c44", "4.18.0")]);

    /// <summary>%#"PRIpaddr" on arm64 ("%#016lx"): the 0x counts in the width of 16.</summary>
    private static string PaddrText(ulong pa) => "0x" + pa.ToString("x14", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// init_frametable(ram_start) (4.22 arch/arm/mmu/mm.c) for one bank, whose PDX groups are all valid: frametable_base_pdx is
    /// ram_start's PDX rounded down to PDX_GROUP_COUNT, and one init_frametable_chunk up to max_pdx: the size rounded up to a page,
    /// alloc_boot_pages aligned to 32 MiB of frames when the chunk is that big, else 2 MiB, map_pages_to_xen at the chunk's
    /// page_info (FRAMETABLE_VIRT_START), PAGE_HYPERVISOR_RW | _PAGE_BLOCK. Its memsets write page_info, not tables.
    /// </summary>
    private XenBootMapping InitFrametable(IXenMachine m, RamBank bank)
    {
        var baseMfn = bank.Base.ToMfn().Value;
        var maxPdx = baseMfn + (bank.Size >> Page.Shift);
        var frametableBasePdx = baseMfn & ~(PdxGroupCount - 1);
        if (maxPdx - frametableBasePdx > FrametableNr) throw new XenPanicException("Frametable too small", "init_frametable", "arch/arm/mmu/mm.c");
        var nrPdxs = maxPdx - frametableBasePdx;
        var chunkSize = (nrPdxs * PageInfoSize + Page.Size - 1) & ~(Page.Size - 1);
        var pfnAlign = (chunkSize >= 32UL << 20 ? 32UL << 20 : 2UL << 20) >> Page.Shift;
        var chunkMfn = m.AllocBootPages(chunkSize >> Page.Shift, pfnAlign);
        var rc = new XenPageTables(this, m).MapPagesToXen(FrametableVirtStart, chunkMfn, chunkSize >> Page.Shift,
            Lpae.PageHypervisorRw | Lpae.PageBlock);
        if (rc != 0) throw new XenPanicException("Unable to setup the frametable mappings", "init_frametable_chunk", "arch/arm/mmu/mm.c");
        return new XenBootMapping("init_frametable_chunk", FrametableVirtStart, chunkMfn.ToPhysAddr(), chunkSize >> Page.Shift);
    }
}
