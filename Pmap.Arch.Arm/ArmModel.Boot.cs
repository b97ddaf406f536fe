namespace Pmap.Arch.Arm;

/// <summary>
/// What start_xen maps in early boot on both Arm ports, the same code in arch/arm (mm.c, later mmu/mm.c): early_fdt_map's 2 MiB
/// block of the boot FDT and setup_mm's frame table, each through map_pages_to_xen with every table reached through PMAP.
/// </summary>
public abstract partial class ArmModel
{
    /// <summary>FIXMAP_VIRT_SIZE: the fixmap's 2 MiB slot of xen_second; the boot FDT's window follows it.</summary>
    private const ulong FixmapVirtSize = 2UL << 20;

    /// <summary>SECOND_SIZE: early_fdt_map maps the FDT with 2 MiB blocks; SZ_2M.</summary>
    protected const ulong SecondSize = 1UL << 21;

    /// <summary>
    /// The RAM the loader keeps below the device tree: QEMU's direct kernel boot (hw/arm/boot.c) puts the initrd at
    /// RAM base + min(RAM / 2, 128 MiB) and the DTB after it (no initrd here), 2 MiB aligned: 0x48000000 on virt from 256 MiB up.
    /// </summary>
    private const ulong LoaderInitrdOffsetMax = 128UL << 20;

    /// <summary>
    /// setup_frametable_mappings over [ram_start, ram_end) with one map_pages_to_xen; from 10d417b8b6 (4.22) init_frametable maps
    /// a chunk per run of valid PDX groups instead (both ports).
    /// </summary>
    public static FactTimeline<bool> FrametableByRange { get; } = new("setup_frametable_mappings over [ram_start, ram_end)",
        [new(true, null, "4.17.0"), new(false, "10d417b8b62e", "4.22.0")]);

    /// <summary>setup_frametable_mappings panics when the frame table would outgrow FRAMETABLE_SIZE (4.17 maps past it).</summary>
    public static FactTimeline<bool> FrametableSizeChecked { get; } = new("setup_frametable_mappings checks FRAMETABLE_SIZE",
        [new(false, null, "4.17.0"), new(true, "93017efd7c44", "4.18.0")]);

    /// <summary>vm_init runs before end_boot_allocator, in early boot: its tables reached through PMAP, its pages boot pages.</summary>
    public static FactTimeline<bool> VmInitInEarlyBoot { get; } = new("vm_init before end_boot_allocator",
        [new(false, null, "4.17.0"), new(true, "2213b5a293f7", "4.19.0")]);

    /// <summary>BOOT_FDT_VIRT_START: FIXMAP_VIRT_START + FIXMAP_VIRT_SIZE (0x600000 on arm64's 4.17, 0xc00000 on arm32).</summary>
    public VirtAddr BootFdtVirtStart => new(ArmProfile.FixmapBase + FixmapVirtSize);

    /// <summary>FRAMETABLE_VIRT_START of the port's layout.</summary>
    public abstract VirtAddr FrametableVirtStart { get; }

    /// <summary>FRAMETABLE_SIZE of the port's layout.</summary>
    protected abstract ulong FrametableVirtSize { get; }

    /// <summary>sizeof(struct page_info): PAGE_INFO_SIZE in asm/mm.h, 56 on arm64 and 32 on arm32.</summary>
    protected abstract ulong PageInfoBytes { get; }

    /// <summary>Where the boot loader hands Xen the device tree in <paramref name="bank"/> (fdt_paddr, x0 / r2 at entry).</summary>
    public static PhysAddr FdtPaddr(RamBank bank) =>
        bank.Base.Add((Math.Min(bank.Size / 2, LoaderInitrdOffsetMax) + SecondSize - 1) & ~(SecondSize - 1));

    /// <summary>The 2 MiB block early_fdt_map maps first: fdt_paddr rounded down to SECOND_SIZE.</summary>
    public static PhysAddr FdtBlock(RamBank bank) => new(FdtPaddr(bank).Value & ~(SecondSize - 1));

    /// <summary>
    /// early_fdt_map(fdt_paddr)'s map_pages_to_xen of the FDT's first 2 MiB at BOOT_FDT_VIRT_START, PAGE_HYPERVISOR_RO | _PAGE_BLOCK,
    /// on whichever tables the root register holds. The second block, for a tree crossing the first 2 MiB, is not needed: the
    /// loader's tree starts 2 MiB aligned and is far smaller.
    /// </summary>
    protected XenBootMapping EarlyFdtMap(IXenMachine m, PhysAddr basePaddr)
    {
        var rc = new XenPageTables(this, m).MapPagesToXen(BootFdtVirtStart, basePaddr.ToMfn(), SecondSize >> Page.Shift,
            Lpae.PageHypervisorRo | Lpae.PageBlock);
        if (rc != 0) throw new XenPanicException("Unable to map the device-tree.", "early_fdt_map", "arch/arm/mm.c");
        return new XenBootMapping("early_fdt_map", BootFdtVirtStart, basePaddr, SecondSize >> Page.Shift);
    }

    /// <summary>setup_mm's frame table as the release makes it: setup_frametable_mappings until 4.21, init_frametable from 4.22.</summary>
    protected XenBootMapping SetupFrametable(IXenMachine m, RamBank bank) =>
        FrametableByRange.Of(ArmProfile.Release.Release).Value ? SetupFrametableMappings(m, bank) : InitFrametable(m, bank);

    /// <summary>
    /// setup_frametable_mappings(ram_start, ram_end): nr_pdxs × sizeof(struct page_info) rounded up to 2 MiB (under 32 MiB) or
    /// 32 MiB, alloc_boot_pages(size, 32 MiB of frames), map_pages_to_xen at FRAMETABLE_VIRT_START, PAGE_HYPERVISOR_RW | _PAGE_BLOCK.
    /// One bank: the PDX of every frame is its MFN (no hole to compress).
    /// </summary>
    private XenBootMapping SetupFrametableMappings(IXenMachine m, RamBank bank)
    {
        var nrPdxs = bank.Size >> Page.Shift;
        var frametableSize = nrPdxs * PageInfoBytes;
        if (FrametableSizeChecked.Of(ArmProfile.Release.Release).Value && frametableSize > FrametableVirtSize)
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

    /// <summary>%#"PRIpaddr" ("%#016lx" on arm64, "%#016llx" on arm32): the 0x counts in the width of 16.</summary>
    private static string PaddrText(ulong pa) => "0x" + pa.ToString("x14", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// init_frametable(ram_start) (4.22 arch/arm/mmu/mm.c) for one bank, whose PDX groups are all valid: frametable_base_pdx is
    /// ram_start's PDX rounded down to PDX_GROUP_COUNT ((1 &lt;&lt; SECOND_SHIFT) / (sizeof(struct page_info) &amp; -sizeof(struct
    /// page_info))), and one init_frametable_chunk up to max_pdx: the size rounded up to a page, alloc_boot_pages aligned to 32 MiB
    /// of frames when the chunk is that big, else 2 MiB, map_pages_to_xen at the chunk's page_info (FRAMETABLE_VIRT_START),
    /// PAGE_HYPERVISOR_RW | _PAGE_BLOCK. Its memsets write page_info, not tables.
    /// </summary>
    private XenBootMapping InitFrametable(IXenMachine m, RamBank bank)
    {
        var pdxGroupCount = (1UL << 21) / (PageInfoBytes & (~PageInfoBytes + 1));
        var frametableNr = FrametableVirtSize / PageInfoBytes;
        var baseMfn = bank.Base.ToMfn().Value;
        var maxPdx = baseMfn + (bank.Size >> Page.Shift);
        var frametableBasePdx = baseMfn & ~(pdxGroupCount - 1);
        if (maxPdx - frametableBasePdx > frametableNr) throw new XenPanicException("Frametable too small", "init_frametable", "arch/arm/mmu/mm.c");
        var nrPdxs = maxPdx - frametableBasePdx;
        var chunkSize = (nrPdxs * PageInfoBytes + Page.Size - 1) & ~(Page.Size - 1);
        var pfnAlign = (chunkSize >= 32UL << 20 ? 32UL << 20 : 2UL << 20) >> Page.Shift;
        var chunkMfn = m.AllocBootPages(chunkSize >> Page.Shift, pfnAlign);
        var rc = new XenPageTables(this, m).MapPagesToXen(FrametableVirtStart, chunkMfn, chunkSize >> Page.Shift,
            Lpae.PageHypervisorRw | Lpae.PageBlock);
        if (rc != 0) throw new XenPanicException("Unable to setup the frametable mappings", "init_frametable_chunk", "arch/arm/mmu/mm.c");
        return new XenBootMapping("init_frametable_chunk", FrametableVirtStart, chunkMfn.ToPhysAddr(), chunkSize >> Page.Shift);
    }
}
