using Pmap.Arch.Arm;

namespace Pmap.Arch.Arm32;

/// <summary>
/// Xen on Arm32 in Hyp mode: LPAE long descriptors, 3 levels (HYP_PT_ROOT_LEVEL 1), 32-bit VA in HTTBR,
/// PADDR_BITS 40, write_pte with one <c>strd</c>, TLBIMVAH (<c>mcr p15, 4, Rt, c8, c7, 1</c>) for one VA.
/// </summary>
public sealed class Arm32Model(ArchSettings settings, ArmProfile profile) : ArmModel(settings, profile, ArmPorts.Arm32)
{
    /// <summary>The model, with its xenheap option read at once (a bad value is a start-up error).</summary>
    public static Arm32Model Validated(ArchSettings settings, ArmProfile profile)
    {
        var model = new Arm32Model(settings, profile);
        _ = model.XenheapMegabytes;
        return model;
    }

    /// <summary>XENHEAP_VIRT_START and its 1 GiB window (4.17 asm/config.h, arm32).</summary>
    public static readonly VirtAddr XenheapVirtStart = new(0x40000000);
    public const ulong XenheapVirtSize = 1UL << 30;

    public override VerificationTarget Oracle => Arm32Oracle.Target;

    /// <summary>FRAMETABLE_VIRT_START (arm32 layout): MB(32).</summary>
    public override VirtAddr FrametableVirtStart => new(32UL << 20);

    /// <summary>FRAMETABLE_SIZE (arm32 layout): MB(128 - 32).</summary>
    public const ulong FrametableSize = (128UL - 32) << 20;

    protected override ulong FrametableVirtSize => FrametableSize;

    /// <summary>PAGE_INFO_SIZE on arm32 (asm/mm.h): sizeof(struct page_info).</summary>
    public const ulong PageInfoSize = 32;

    protected override ulong PageInfoBytes => PageInfoSize;

    /// <summary>
    /// early_fdt_map(fdt_paddr) right after setup_pagetables, on cpu0_pgtable (the 2 MiB block at BOOT_FDT_VIRT_START). From
    /// e7a80636f1 (4.20) start_xen first maps the FDT on head.S's boot tables, which the arm32 model does not make.
    /// </summary>
    public override IReadOnlyList<XenBootMapping> MapsBeforeDirectmap(IXenMachine m, RamBank bank) => [EarlyFdtMap(m, FdtBlock(bank))];

    /// <summary>VMAP_VIRT_START (arm32 layout): MB(256).</summary>
    public static readonly VirtAddr VmapVirtStart = new(256UL << 20);

    /// <summary>VMAP_VIRT_SIZE (arm32 layout): GB(1) - MB(256).</summary>
    public const ulong VmapVirtSize = (1UL << 30) - (256UL << 20);

    /// <summary>
    /// arm32's setup_mm after setup_directmap_mappings: the frame table over all of RAM; then from 2213b5a293 (4.19) start_xen's
    /// vm_init, in early boot (its tables reached through PMAP, its pages boot pages). init_domheap_mappings' links to
    /// cpu0_dommap and what follows early boot are not modelled on arm32.
    /// </summary>
    public override IReadOnlyList<XenBootMapping> MapsAfterDirectmap(IXenMachine m, RamBank bank)
    {
        var made = new List<XenBootMapping> { SetupFrametable(m, bank) };
        if (VmInitInEarlyBoot.Of(ArmProfile.Release.Release).Value)
        {
            var vmap = new XenVmap(m, new XenPageTables(this, m), VmapVirtStart, VmapVirtSize);
            vmap.VmInit();
            made.AddRange(vmap.Made);
        }
        return made;
    }

    private const ulong XenheapAlign = 32UL << 20; // "must be 32 MiB aligned"
    private const ulong MinXenheapPages = 32UL << (20 - Page.Shift);
    private const ulong MaxXenheapPages = 1UL << (30 - Page.Shift);

    /// <summary>xenheap_megabytes= on Xen's command line (0: let setup_mm size the xenheap).</summary>
    public ulong XenheapMegabytes => (ulong)Settings.GetInt(XenheapMegabytesOption);

    /// <summary>The xenheap_megabytes= option: 0 (the default) lets setup_mm size it; at most the 1 GiB window.</summary>
    public static ArchOption XenheapMegabytesOption { get; } = ArchOption.WholeNumber("XenheapMegabytes", 0, 0, (int)(XenheapVirtSize >> 20),
        "xenheap_megabytes= on Xen's command line; 0 lets setup_mm size the xenheap");

    /// <summary>
    /// setup_mm (4.17 arch/arm/setup.c, CONFIG_ARM_32): the xenheap is RAM/32 rounded up to 32 MiB, at least
    /// 32 MiB and at most 1 GiB (or xenheap_megabytes), placed by consider_modules at the highest 32 MiB-aligned
    /// spot clear of Xen's image, halving until it fits; it is kept out of the boot allocator
    /// (populate_boot_allocator) and mapped by setup_directmap_mappings at XENHEAP_VIRT_START with
    /// PAGE_HYPERVISOR_RW | _PAGE_BLOCK. The rest of RAM is domheap and is not mapped here.
    /// </summary>
    public override DirectmapMapping SetupDirectmapMappings(IXenMachine m, RamBank bank)
    {
        var ramPages = bank.Size >> Page.Shift;
        var fromCommandLine = XenheapMegabytes != 0;
        ulong xenheapPages;
        if (fromCommandLine) xenheapPages = XenheapMegabytes << (20 - Page.Shift);
        else
        {
            xenheapPages = (ramPages / 32 + 0x1fffUL) & ~0x1fffUL;
            xenheapPages = Math.Min(Math.Max(xenheapPages, MinXenheapPages), MaxXenheapPages);
        }

        ulong e;
        do
        {
            e = ConsiderModules(bank.Base.Value, bank.End.Value, xenheapPages << Page.Shift, XenheapAlign);
            if (e != 0) break;
            xenheapPages >>= 1;
        } while (!fromCommandLine && xenheapPages > MinXenheapPages);
        if (e == 0) throw new XenPanicException("Not enough space for xenheap", "setup_mm", "arch/arm/setup.c");

        var start = new PhysAddr(e - (xenheapPages << Page.Shift));
        // setup.c:877 printk("Xen heap: %"PRIpaddr"-%"PRIpaddr" ..."): arm32 PRIpaddr is "016llx", 16 hex digits and no 0x.
        var message = $"Xen heap: {start.Value:x16}-{e:x16} ({xenheapPages} pages{(fromCommandLine ? ", from command-line" : "")})";
        m.Printk(message);
        m.ReserveBootPages(start, new PhysAddr(e)); // populate_boot_allocator avoids the xenheap

        var rc = MapPagesToXen(m, XenheapVirtStart, start.ToMfn(), xenheapPages, superpages: true);
        if (rc != 0) throw new XenPanicException("Unable to setup the directmap mappings.", "setup_directmap_mappings", "arch/arm/mm.c");
        return new DirectmapMapping(XenheapVirtStart, start, xenheapPages,
            $"{message}: arm32 maps only the xenheap (RAM/32, 32 MiB..1 GiB, 32 MiB aligned, highest fit); " +
            $"the other {ramPages - xenheapPages} pages are domheap");
    }

    /// <summary>consider_modules(s, e, size, align, 0) with Xen's image as the only boot module: the highest fitting end, or 0.</summary>
    private ulong ConsiderModules(ulong s, ulong e, ulong size, ulong align)
    {
        s = (s + align - 1) & ~(align - 1);
        e &= ~(align - 1);
        if (s > e || e - s < size) return 0;
        var modS = Image.Bank.Base.Value;
        var modE = Image.Bank.End.Value;
        if (s < modE && modS < e)
        {
            var above = ConsiderModules(modE, e, size, align);
            return above != 0 ? above : ConsiderModules(s, modS, size, align);
        }
        return e;
    }
}
