using Pmap.Arch.Arm;

namespace Pmap.Arch.Arm64;

/// <summary>
/// What start_xen (4.17 arch/arm/setup.c) does to Xen's tables once system_state is SYS_STATE_boot, on QEMU virt without dom0,
/// up to the panic "Could not set up DOM0 guest OS": every change goes through the VMAP (xen/common/vmap.c), tables reached
/// through map_domain_page, which on arm64 is the directmap. From 2213b5a293 (4.19) vm_init itself runs in early boot.
/// </summary>
public sealed partial class Arm64Model
{
    /// <summary>opt_max_maptrack_frames (common/grant_table.c): dom0's maptrack array is vzalloc'ed with one pointer per frame.</summary>
    private const ulong MaxMaptrackFrames = 1024;

    /// <summary>
    /// QEMU virt's devices as its device tree gives them to Xen (gic-version=3, one CPU; Xen's console prints the same): the
    /// PL011 at 0x9000000 (reg size 0x1000), the GICv3 distributor at 0x8000000 (gicv3_ioremap_distributor maps SZ_64K) and
    /// redistributor region 0 at 0x80a0000 up to 0x9000000.
    /// </summary>
    public static readonly (ulong Base, ulong Size) VirtPl011 = (0x0900_0000, 0x1000), VirtGicd = (0x0800_0000, 0x1_0000),
        VirtGicr = (0x080A_0000, 0x0900_0000 - 0x080A_0000);

    /// <summary>VMAP_VIRT_START: 1 GiB into Xen's first 512 GiB slot (asm/config.h in 4.17, XEN_VM_MAPPING + GB(1) later); VMAP_VIRT_SIZE 1 GiB.</summary>
    public VirtAddr VmapVirtStart => new(ArmProfile.XenVirtStart - (2UL << 20) + (1UL << 30));

    /// <summary>BOOT_FDT_VIRT_SIZE (asm/config.h): MB(4).</summary>
    public const ulong BootFdtVirtSize = 4UL << 20;

    /// <summary>FRAMETABLE_SIZE (arm64 asm/config.h): GB(32).</summary>
    public const ulong FrametableSize = 32UL << 30;

    /// <summary>The regions of arm64's asm/config.h the boot maps into, besides the fixmap, the image and the directmap.</summary>
    public override IReadOnlyList<XenVirtualRegion> VirtualRegions =>
    [
        new("BOOT_FDT_VIRT_START", BootFdtVirtStart, BootFdtVirtSize),
        new("VMAP_VIRT_START", VmapVirtStart, VmapVirtSize),
        new("FRAMETABLE_VIRT_START", FrametableVirtStart, FrametableSize),
    ];

    /// <summary>CONFIG_PAGEALLOC_MAX_ORDER on arm (asm/config.h): MAX_ORDER, the heap's largest buddy is 2^18 pages.</summary>
    public const int PageallocMaxOrder = 18;

    /// <summary>The VMAP vm_init set up in early boot on this machine, for MapsInBoot to go on with.</summary>
    private (IXenMachine Machine, XenVmap Vmap)? _earlyVmap;

    /// <summary>
    /// The VMAP over Xen's tables: xen_map_table is pmap_map in early boot, later map_domain_page, which on arm64 is mfn_to_virt,
    /// the directmap (directmap_virt_start set by the first bank).
    /// </summary>
    private XenVmap NewVmap(IXenMachine m, RamBank bank)
    {
        var mfnGb = bank.Base.ToMfn().Value & ~((1UL << (30 - Page.Shift)) - 1);
        VirtAddr MapDomainPage(Mfn mfn) => DirectmapStart.Add((mfn.Value - mfnGb) << Page.Shift);
        return new XenVmap(m, new XenPageTables(this, m, MapDomainPage), VmapVirtStart, VmapVirtSize);
    }

    /// <summary>VMAP_VIRT_SIZE (arm64): GB(1).</summary>
    public const ulong VmapVirtSize = 1UL << 30;

    /// <summary>
    /// In start_xen's order: end_boot_allocator (the boot allocator's leftovers become Xen's heap); vm_init; arm_uart_init's pl011 ioremap_nocache; gic_init's gicv3_init (distributor, then each
    /// redistributor region); apply_alternatives_all's writable __vmap of the image (1 &lt;&lt; get_order_from_bytes(_end - _start)
    /// pages at _start, PAGE_HYPERVISOR) and its vunmap; create_dom0's domain_create → grant_table_init vzalloc of the maptrack
    /// (1024 pointers, 2 pages). Then construct_dom0 finds no kernel and Xen panics.
    /// </summary>
    public override IReadOnlyList<XenBootMapping>? MapsInBoot(IXenMachine m, RamBank bank)
    {
        m.EndBootAllocator(PageallocMaxOrder);
        XenVmap vmap;
        if (_earlyVmap is var (early, v) && ReferenceEquals(early, m)) vmap = v; // vm_init ran in early boot (4.19+)
        else
        {
            vmap = NewVmap(m, bank);
            vmap.VmInit();
        }
        _earlyVmap = null;
        vmap.Ioremap("pl011_uart_init", new PhysAddr(VirtPl011.Base), VirtPl011.Size);
        vmap.Ioremap("gicv3_ioremap_distributor", new PhysAddr(VirtGicd.Base), VirtGicd.Size);
        vmap.Ioremap("gicv3_init", new PhysAddr(VirtGicr.Base), VirtGicr.Size);
        var xenSize = ImageLayout.End;
        var xenOrder = 0;
        while ((Page.Size << xenOrder) < xenSize) xenOrder++; // get_order_from_bytes
        var xenmap = vmap.Vmap("apply_alternatives_all", [XenLoadAddress.ToMfn()], 1u << xenOrder, Lpae.PageHypervisorRw);
        vmap.Vunmap(xenmap);
        vmap.Vzalloc("grant_table_init", MaxMaptrackFrames * sizeof(ulong));
        return vmap.Made;
    }
}
