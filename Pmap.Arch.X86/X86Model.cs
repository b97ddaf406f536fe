namespace Pmap.Arch.X86;

/// <summary>
/// Xen on x86-64 with the posted PMAP series (V4/v5, "xen/x86: Add support for the PMAP"): 4-level paging,
/// a fixmap that grows down from FIXADDR_TOP, l1_fixmap as the static leaf table, one 64-bit store per PTE
/// (no barrier: x86 stores are ordered), and INVLPG of the one VA on unmap.
/// </summary>
public sealed partial class X86Model : ArchModel
{
    /// <summary>VMAP_VIRT_END - PAGE_SIZE: the fixmap steals the top page of VMAP (asm/config.h).</summary>
    public static readonly VirtAddr FixaddrTop = new(0xFFFF82CFFFFFF000);

    /// <summary>DIRECTMAP_SIZE = PML4_ENTRY_BYTES × (511 - 262) (asm/config.h): 249 × 512 GiB.</summary>
    public const ulong DirectmapSize = (1UL << 39) * (511 - 262);

    /// <summary>A bank wholly above DIRECTMAP_SIZE: setup_max_pdx drops all of it and Xen has no RAM left; it says nothing.</summary>
    public override string? BankProblem(RamBank bank) => bank.Base.Value >= DirectmapSize
        ? $"RAM bank {bank} starts above DIRECTMAP_SIZE ({Hex.FormatSize(DirectmapSize)}): setup_max_pdx would drop all of it"
        : null;

    /// <summary>PML4_ADDR(262) (asm/config.h): the directmap.</summary>
    public static readonly VirtAddr DirectmapStart = new(0xFFFF830000000000);

    private static readonly PageTableFormat Paging4 = new(RootLevel: 4, LeafLevel: 1, VaBits: 48, PaBits: 52, VaRange.SignExtended);
    private const ulong XenImageSize = 16UL << 20;
    private const ulong StaticTablesOffset = 8UL << 20;

    private readonly FixmapLayout _fixmap;

    public X86Model(ArchSettings settings) : base(settings, X86Architecture.ArchName, Paging4, new X86Codec())
    {
        CpuHasNx = settings.GetBool(X86Options.Nx);
        CpuHasPage1Gb = settings.GetBool(X86Options.Page1Gb);
        var xhci = settings.GetBool(X86Options.Xhci);
        var maxXhciPages = settings.GetInt(X86Options.MaxXhciPages);
        var xenGuest = settings.GetBool(X86Options.XenGuest);
        var acpiPages = settings.GetInt(X86Options.NumFixmapAcpiPages);
        var ioApics = settings.GetInt(X86Options.MaxIoApics);
        XenLoadAddress = settings.LoadAddress(X86Options.XenLoadAddress);
        _fixmap = BuildFixedAddresses(settings.NumFixPmap, xhci, maxXhciPages, xenGuest, acpiPages, ioApics);
        Image = XenImage.Packed(XenLoadAddress, XenImageSize, StaticTablesOffset,
            ("idle_pg_table", 1), ("l3_xenmap", 1), ("l2_fixmap", 1), ("l1_fixmap", 1));
    }

    public bool CpuHasNx { get; }
    public bool CpuHasPage1Gb { get; }
    public PhysAddr XenLoadAddress { get; }

    public override FixmapLayout Fixmap => _fixmap;
    public override VirtAddr? DirectmapVirtStart => DirectmapStart;
    public override MaintenanceRules Maintenance => X86Rules.All;
    public override InstructionSet Instructions => X86Rules.Instructions;
    public override VerificationTarget Oracle => X86Oracle.Target;

    /// <summary>A QEMU q35-like bank above 4 GiB (below it sit the PCI hole and firmware).</summary>
    public override RamBank DefaultRam => new(new PhysAddr(0x100000000), 2UL << 30);

    public override XenImage Image { get; }

    public PhysAddr StaticTable(string name) => Image.Table(name);

    public PhysAddr L1Fixmap => _l1Fixmap ??= StaticTable("l1_fixmap");

    /// <summary>The boot tables hold the fixmap's path only: no l2_xenmap, no mapping of the image itself.</summary>
    public override IReadOnlyList<string> NotModelled => ["Xen's own image mapping"];

    private PhysAddr? _l1Fixmap;

    /// <summary>Each note follows the layout built: the dead slot only while the enum reserves more slots than NUM_FIX_PMAP (as posted).</summary>
    public override IReadOnlyList<string> Notes
    {
        get
        {
            var f = Fixmap;
            var notes = new List<string>();
            var reserved = f.FixPmapEnd - f.FixPmapBegin + 1;
            if (reserved > f.NumFixPmap)
                notes.Add($"FIX_PMAP_END = FIX_PMAP_BEGIN + NUM_FIX_PMAP = {f.FixPmapEnd} exactly as posted: " +
                    $"the enum reserves {reserved} slots for {f.NumFixPmap} PMAP entries; slot {f.FixPmapEnd} is dead, and the slot ASSERT lets it through");
            notes.Add("index 0 (FIX_RESERVED) is never mapped: fix_to_virt(0) = FIXADDR_TOP; indexes 1..511 live in l1_fixmap[511 - index], " +
                $"the rest ({Page.EntriesPerTable}..{f.EndOfFixedAddresses - 1}) in an L1 set_fixmap allocates on demand");
            return notes;
        }
    }

    /// <summary>
    /// The static hook-up of x86_64.S: idle_pg_table[261] → l3_xenmap; l3_xenmap[l3_table_offset(FIXADDR_TOP - 1)]
    /// → l2_fixmap; l2_fixmap[l2_table_offset(FIXADDR_TOP - 1)] → l1_fixmap, all with __PAGE_HYPERVISOR; CR3 = idle_pg_table.
    /// </summary>
    public override void SetupPageTables(IXenMachine m)
    {
        var last = new VirtAddr(FixaddrTop.Value - 1);
        Link(m, "idle_pg_table", Format.Index(last, 4), "l3_xenmap");
        Link(m, "l3_xenmap", Format.Index(last, 3), "l2_fixmap");
        Link(m, "l2_fixmap", Format.Index(last, 2), "l1_fixmap");
        m.Root = StaticTable("idle_pg_table");
    }

    private void Link(IXenMachine m, string parent, int index, string child) =>
        m.WritePhys64(StaticTable(parent).Add((ulong)index * Page.EntryBytes),
            X86Pte.FromMfn(StaticTable(child).ToMfn(), X86Pte.IntermediateFlags));

    private PhysAddr Pl1e(int slot) => L1Fixmap.Add((ulong)Format.Index(Fixmap.FixToVirt(slot), 1) * Page.EntryBytes);

    /// <summary>map_pages_to_xen as the series runs it in early boot (see <see cref="X86PageTables"/>).</summary>
    public override int MapPagesToXen(IXenMachine m, VirtAddr virt, Mfn mfn, ulong nr, bool superpages) =>
        new X86PageTables(this, m).MapPagesToXen(virt, mfn, nr, superpages);

    /// <summary>The directmap of the bank: DIRECTMAP_VIRT_START + PA, superpages where aligned.</summary>
    public override DirectmapMapping SetupDirectmapMappings(IXenMachine m, RamBank bank)
    {
        var va = DirectmapStart.Add(bank.Base.Value);
        // setup_max_pdx: max_pdx is capped at DIRECTMAP_SIZE >> PAGE_SHIFT; RAM above it is not used.
        var end = Math.Min(bank.End.Value, DirectmapSize);
        var nr = (end - bank.Base.Value) >> Page.Shift;
        if (end < bank.End.Value)
            m.Printk($"setup_max_pdx: RAM above {Hex.Format(DirectmapSize)} (DIRECTMAP_SIZE) is not used; " +
                $"{Hex.FormatSize(bank.End.Value - end)} dropped");
        var rc = MapPagesToXen(m, va, bank.Base.ToMfn(), nr, superpages: true);
        if (rc != 0) throw new XenPanicException($"map_pages_to_xen of the directmap failed ({rc})", "setup_directmap");
        return new DirectmapMapping(va, bank.Base, nr,
            "the series' use: page tables built with no directmap yet, every table page reached through PMAP");
    }
}
