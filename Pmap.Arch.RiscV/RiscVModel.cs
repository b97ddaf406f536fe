
namespace Pmap.Arch.RiscV;

/// <summary>How the hart treats the A and D bits.</summary>
public enum AdBehaviour
{
    /// <summary>The hart sets A and D itself (Svadu-like): Xen's A=D=0 PMAP entries just work.</summary>
    Hardware,
    /// <summary>Svade: an access with A=0, or a store with D=0, raises a page fault.</summary>
    Svade,
}

/// <summary>What the RISC-V port reads under Architectures:riscv.</summary>
public static class RiscVOptions
{
    public static ArchOption Svvptc { get; } = ArchOption.Boolean("Svvptc", false,
        "the hart has Svvptc: an entry going from invalid to valid is seen without sfence.vma (no negative TLB entries)");
    public static ArchOption MapSfence { get; } = ArchOption.Boolean("MapSfence", true,
        "arch_pmap_map ends with sfence.vma of the VA, as upstream since the v4 posting; false shows why it must");
    public static ArchOption AdBehaviour { get; } = ArchOption.Choice("AdBehaviour", ["hardware", "svade"],
        "how the hart treats A and D: hardware sets them (Svadu-like); svade faults on A=0, or on a store with D=0");
    /// <summary>QEMU virt's RAM starts at 0x80000000; Xen goes 2 MiB in, 2 MiB aligned (a superpage).</summary>
    public static ArchOption XenLoadAddress { get; } = ArchOptions.XenLoadAddress(0x80200000, 2UL << 20);

    public static IReadOnlyList<ArchOption> All { get; } = [Svvptc, AdBehaviour, MapSfence, XenLoadAddress];
}

/// <summary>
/// Xen on RISC-V (Sv39, upstream since 4.20): 3 levels (HYP_PT_ROOT_LEVEL 2), canonical 39-bit VA, 56-bit PA;
/// write_pte is a plain store with no fence; arch_pmap_map AND arch_pmap_unmap end with sfence.vma of the VA,
/// because a hart may cache invalid entries unless it has Svvptc.
/// </summary>
public sealed partial class RiscVModel : ArchModel
{
    private static readonly PageTableFormat Sv39 = new(RootLevel: 2, LeafLevel: 0, VaBits: 39, PaBits: 56, VaRange.SignExtended);
    private const ulong XenImageSize = 2UL << 20;
    private const ulong StaticTablesOffset = 1UL << 20;

    /// <summary>SLOTN(DIRECTMAP_SLOT_START) = 200 &lt;&lt; 30 (asm/config.h).</summary>
    public static readonly VirtAddr DirectmapStart = new(200UL << 30);

    private readonly FixmapLayout _fixmap;
    private readonly ulong _fixmapBase;

    public RiscVModel(ArchSettings settings, RiscVProfile profile) : base(settings, RiscVArchitecture.ArchName, Sv39, new Sv39Codec())
    {
        _fixmapBase = profile.FixmapBase;
        HasSvvptc = settings.GetBool(RiscVOptions.Svvptc);
        MapSfence = settings.GetBool(RiscVOptions.MapSfence);
        Ad = Enum.Parse<AdBehaviour>(settings.GetChoice(RiscVOptions.AdBehaviour), ignoreCase: true);
        XenLoadAddress = settings.LoadAddress(RiscVOptions.XenLoadAddress);
        _fixmap = FixmapOf(settings.NumFixPmap);
        Image = XenImage.Packed(XenLoadAddress, XenImageSize, StaticTablesOffset,
            ("stage1_pgtbl_root", 1), ("stage1_pgtbl_nonroot", 1), ("xen_fixmap", 1));
    }

    /// <summary>Svvptc: a PTE going from invalid to valid is seen without a fence (no negative TLB entries).</summary>
    public bool HasSvvptc { get; }

    /// <summary>Whether arch_pmap_map ends with sfence.vma (as upstream, since the v4 posting); off shows why it must.</summary>
    public bool MapSfence { get; }

    public AdBehaviour Ad { get; }
    public PhysAddr XenLoadAddress { get; }

    public override FixmapLayout Fixmap => _fixmap;
    public override bool CachesInvalidEntries => !HasSvvptc;
    public override bool NewEntriesNeedContextSync => !HasSvvptc;
    public override MaintenanceRules Maintenance => RiscVRules.For(HasSvvptc, Ad == AdBehaviour.Svade);
    public override InstructionSet Instructions => RiscVRules.Instructions;
    public override VerificationTarget Oracle => RiscVOracle.Target;
    public override LeafAccessCheck? LeafAccess => Ad == AdBehaviour.Svade ? SvadeAccess : null;
    public override VirtAddr? DirectmapVirtStart => DirectmapStart;

    /// <summary>
    /// setup_directmap_mappings keeps VA and PA congruent modulo 1 GiB from SLOTN(200) and checks no end: a bank whose
    /// directmap runs past 256 GiB leaves Sv39's canonical lower half, where the VAs Xen computes are not addresses.
    /// </summary>
    public override string? BankProblem(RamBank bank)
    {
        var end = DirectmapStart.Value - (bank.Base.Value & ~((1UL << 30) - 1)) + bank.End.Value;
        return end > 1UL << 38
            ? $"RAM bank {bank} would put the directmap up to VA {Hex.Format(end)}, past Sv39's 256 GiB canonical lower half "
              + "(DIRECTMAP_VIRT_START = SLOTN(200)); Xen's setup_directmap_mappings does not check this"
            : null;
    }

    /// <summary>QEMU's RISC-V virt machine: RAM at 0x80000000.</summary>
    public override RamBank DefaultRam => new(new PhysAddr(0x80000000), 2UL << 30);

    public override XenImage Image { get; }

    public PhysAddr StaticTable(string name) => Image.Table(name);

    /// <summary>setup_pagetables builds the fixmap's path only (see <see cref="SetupPageTables"/>).</summary>
    public override IReadOnlyList<string> NotModelled => ["Xen's own image mapping"];

    /// <summary>Where Xen defines what arch_pmap_map and arch_pmap_unmap call, read from Xen's tags (RELEASE-X.Y.Z).</summary>
    public override IReadOnlyList<FactTimeline<string>> XenFunctionPlaces { get; } =
    [
        new("write_pte", [new("arch/riscv/include/asm/page.h:194", null, "4.20.0"), new("arch/riscv/include/asm/page.h:197", null, "4.21.0"),
            new("arch/riscv/include/asm/page.h:234", null, "4.22.0")]),
        new("flush_tlb_one_local", [new("arch/riscv/include/asm/flushtlb.h:11", null, "4.20.0"),
            new("arch/riscv/include/asm/flushtlb.h:25", null, "4.22.0")]),
        new("arch_pmap_map", [new("arch/riscv/include/asm/pmap.h:14", null, "4.20.0")]),
        new("arch_pmap_unmap", [new("arch/riscv/include/asm/pmap.h:27", null, "4.20.0")]),
    ];

    public PhysAddr XenFixmap => _xenFixmap ??= StaticTable("xen_fixmap");
    private PhysAddr? _xenFixmap;

    // Derived from the entry arch_pmap_map writes: a note only while PAGE_HYPERVISOR_RW leaves A or D clear (every release so far).
    public override IReadOnlyList<string> Notes => (Sv39Pte.PageHypervisorRw & (Sv39Pte.A | Sv39Pte.D)) == (Sv39Pte.A | Sv39Pte.D)
        ? []
        : [$"PMAP entries are PAGE_HYPERVISOR_RW = {Hex.Format(Sv39Pte.PageHypervisorRw)} (V|R|W) with A and D clear, while pt.c's " +
           "mappings set A and D: on a hart with Svade the first touch of a PMAP slot faults"];

    /// <summary>
    /// setup_fixmap_mappings (mm.c): stage1_pgtbl_root[pt_index(2, FIXMAP_ADDR(0))] → an L1 table (one of the
    /// stage1_pgtbl_nonroot pages), its [pt_index(1, FIXMAP_ADDR(0))] → xen_fixmap, both PTE_TABLE (V only).
    /// Xen's own image mapping is not modelled: nothing in PMAP touches it.
    /// </summary>
    public override void SetupPageTables(IXenMachine m)
    {
        var root = StaticTable("stage1_pgtbl_root");
        var l1 = StaticTable("stage1_pgtbl_nonroot");
        m.WritePhys64(root.Add((ulong)Format.Index(FixmapAddr(0), 2) * 8), Sv39Pte.FromMfn(l1.ToMfn(), Sv39Pte.PteTable));
        m.WritePhys64(l1.Add((ulong)Format.Index(FixmapAddr(0), 1) * 8), Sv39Pte.FromMfn(XenFixmap.ToMfn(), Sv39Pte.PteTable));
        m.Root = root; // satp
    }

    /// <summary>Svade: a leaf with A clear, or a store through a leaf with D clear, raises a page fault.</summary>
    private static string? SvadeAccess(ulong leafEntry, int level, bool write)
    {
        if ((leafEntry & Sv39Pte.A) == 0) return "A bit clear: the hart (Svade) raises a page fault";
        if (write && (leafEntry & Sv39Pte.D) == 0) return "D bit clear on a store: the hart (Svade) raises a page fault";
        return null;
    }

    public override int MapPagesToXen(IXenMachine m, VirtAddr virt, Mfn mfn, ulong nr, bool superpages) =>
        new RiscVPageTables(this, m).PtUpdate(virt, mfn, nr, Sv39Pte.PageHypervisorRw, superpages);

    /// <summary>
    /// setup_directmap_mappings (riscv mm.c): directmap_virt_start = DIRECTMAP_VIRT_START - (base &amp; ~(1 GiB - 1)),
    /// so VA and PA stay congruent modulo 1 GiB; map_pages_to_xen(.., PAGE_HYPERVISOR_RW) with superpages.
    /// </summary>
    public override DirectmapMapping SetupDirectmapMappings(IXenMachine m, RamBank bank)
    {
        var virtStart = DirectmapStart.Value - (bank.Base.Value & ~((1UL << 30) - 1));
        var va = new VirtAddr(virtStart + bank.Base.Value);
        var nr = bank.Size >> Page.Shift;
        var rc = MapPagesToXen(m, va, bank.Base.ToMfn(), nr, superpages: true);
        if (rc != 0)
            throw new XenPanicException($"Directmap mappings for [{Hex.Format(bank.Base.Value)}, {Hex.Format(bank.End.Value)}) failed: {rc}",
                "setup_directmap_mappings", "arch/riscv/mm.c");
        return new DirectmapMapping(va, bank.Base, nr);
    }
}
