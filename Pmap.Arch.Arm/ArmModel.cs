namespace Pmap.Arch.Arm;

/// <summary>
/// Xen on Arm with the LPAE 4 KiB-granule format: the fixmap (asm/fixmap.h), arch_pmap_map/unmap
/// (asm/pmap.h), write_pte and flush_xen_tlb_range_va_local, and the static tables. Arm64 and Arm32
/// differ only in what their subclasses state: levels, VA/PA bits, the store and TLB instructions,
/// the chain of static tables and the boot mapping.
/// </summary>
public abstract partial class ArmModel : ArchModel
{
    private readonly FixmapLayout _fixmap;

    protected ArmModel(ArchSettings settings, ArmProfile profile, ArmPort port) : base(settings, port.Name, port.Format, port.Codec)
    {
        ArmProfile = profile;
        Port = port;
        Isa = port.Isa;
        PaddrBits = port.Format.PaBits;
        // The release's barriers are facts held as text: resolved here, so that a misspelt one stops the port at load.
        _flushBarrierBefore = port.Isa.Set.Get(profile.FlushBarrierBefore, "flush_xen_tlb_range_va_local");
        _flushBarrierAfter = port.Isa.Set.Get(profile.FlushBarrierAfter, "flush_xen_tlb_range_va_local");
        // Read at once, so that a bad value stops the program at start with its key.
        XenLoadAddress = settings.LoadAddress(ArmOptions.XenLoadAddress(port));
        _fixmap = FixmapOf(settings, profile);
        ImageLayout = ReadImageLayout();
    }

    /// <summary>Xen's sections and static tables: the build's symbols, else the port's examined build, then single keys over them.</summary>
    public ArmImageLayout ImageLayout { get; }

    private ArmImageLayout ReadImageLayout()
    {
        var tables = Port.StaticTables(ArmProfile.XenmapPages);
        var symbols = Settings.Symbols();
        var symbolsKey = Settings.SymbolsFile is null ? ArchOptions.SymbolsFile.Key : "--xen-syms";
        var layout = symbols is not null
            ? ArmImageLayout.FromSymbols(symbols, tables.Select(t => t.Name), symbolsKey)
            : Port.DefaultImage?.Invoke(ArmProfile.Release.Release) ?? ArmImageLayout.Packed(tables);
        layout = layout.With(Settings);
        try
        {
            layout.Check(tables, ArmProfile.XenmapPages);
        }
        catch (PmapConfigurationException e) when (symbols is not null)
        {
            throw new PmapConfigurationException(symbolsKey, $"{symbols.Source} does not fit profile {ArmProfile.Name}: {e.Message}");
        }
        return layout;
    }

    public ArmProfile ArmProfile { get; }
    public ArmPort Port { get; }
    public override FixmapLayout Fixmap => _fixmap;
    public override PmapCommonVariant CommonCode => ArmProfile.CommonCode;
    public override bool NewEntriesNeedContextSync => true;
    public override bool ChecksFrameWidth => true;
    public override int BitsPerLong => Port.BitsPerLong;
    public override MaintenanceRules Maintenance => ArmRules.All;
    public override InstructionSet Instructions => Port.Isa.Set;

    /// <summary>PADDR_BITS: mfn_to_xen_entry ASSERTs the address fits.</summary>
    public int PaddrBits { get; }

    private readonly Instruction _flushBarrierBefore, _flushBarrierAfter;
    // Port.Isa, held here: every primitive of write_pte and the flushes reaches its instruction with one load fewer.
    private ArmInstructions Isa { get; }


    /// <summary>Xen's load address (configuration key XenLoadAddress).</summary>
    public PhysAddr XenLoadAddress { get; }
    private PhysAddr? _xenFixmap;

    /// <summary>The image from _start to _end rounded up to a page, with the tables where the linker put them.</summary>
    public override XenImage Image => _image ??= new XenImage(XenLoadAddress, (ImageLayout.End + Page.Size - 1) & ~(Page.Size - 1),
        [.. Port.StaticTables(ArmProfile.XenmapPages).Select(t => new StaticTable(t.Name, XenLoadAddress.Add(ImageLayout.Tables[t.Name]), t.Pages))]);

    private XenImage? _image;

    /// <summary>Physical address of a static table page.</summary>
    public PhysAddr StaticTable(string name, int page = 0) => Image.Table(name, page);

    /// <summary>Physical address of xen_fixmap.</summary>
    public PhysAddr XenFixmap => _xenFixmap ??= StaticTable("xen_fixmap");

    public override RamBank DefaultRam => Port.DefaultRam;

    /// <summary>
    /// setup_pagetables (4.17 arch/arm/mm.c; HEAD mmu/setup.c): the root chain down to xen_second with xn
    /// cleared on those links; xen_second → the xen_xenmap page(s) at second_table_offset(XEN_VIRT_START) and
    /// → xen_fixmap at second_table_offset(FIXMAP_ADDR(0)); Xen's image in xen_xenmap; the root in TTBR.
    /// </summary>
    public override void SetupPageTables(IXenMachine m)
    {
        var xenVirtStart = new VirtAddr(ArmProfile.XenVirtStart);
        for (var i = 0; i + 1 < Port.RootChain.Count; i++)
        {
            var parent = StaticTable(Port.RootChain[i]);
            m.WritePhys64(Entry(parent, Format.Index(xenVirtStart, Format.RootLevel + i)),
                TableLink(StaticTable(Port.RootChain[i + 1]), clearXn: true));
        }
        var second = StaticTable("xen_second");
        for (var i = 0; i < ArmProfile.XenmapPages; i++)
            m.WritePhys64(Entry(second, Format.Index(xenVirtStart, 2) + i), TableLink(StaticTable("xen_xenmap", i), clearXn: false));
        MapXenImage(m);
        m.WritePhys64(Entry(second, Format.Index(FixmapAddr(0), 2)), TableLink(XenFixmap, clearXn: false));
        m.Root = StaticTable(Port.RootChain[0]);
    }

    /// <summary>
    /// The "Break up the Xen mapping into 4k pages and protect them separately" loop: one entry per page while
    /// is_kernel(va), MT_NORMAL with table = 1 and no contiguous bit; text and init text xn = 0 / ro = 1, rodata ro = 1.
    /// 4.17–4.19 write the final entry at once; from e7a80636f1 (4.20) the first pass leaves xn = 0 and a second one after
    /// switch_ttbr sets the same final values with write_pte. The model writes the final entry (the boot trace is not shown).
    /// </summary>
    private void MapXenImage(IXenMachine m)
    {
        var entries = Math.Min((ImageLayout.End + Page.Size - 1) >> Page.Shift, (ulong)ArmProfile.XenmapPages << Page.EntriesPerTableShift);
        for (var i = 0UL; i < entries; i++)
        {
            var pte = XenEntry(XenLoadAddress.Add(i << Page.Shift)) | Lpae.Table;
            pte = ImageLayout.PermissionOf(i << Page.Shift) switch
            {
                XenPageKind.Text => (pte & ~Lpae.Xn) | Lpae.Ro,
                XenPageKind.Rodata => pte | Lpae.Ro,
                _ => pte,
            };
            var table = StaticTable("xen_xenmap", (int)(i >> Page.EntriesPerTableShift));
            m.WritePhys64(Entry(table, (int)(i & (Page.EntriesPerTable - 1))), pte);
        }
    }

    private static PhysAddr Entry(PhysAddr table, int index) => table.Add((ulong)index * Page.EntryBytes);

    public override IReadOnlyList<string> Notes => ArmNotes.Of(ArmProfile, Fixmap);

    public override XenWalkDump WalkDump => ArmWalkDump.Of(ArmProfile.Release.Release);

    public override IReadOnlyList<FactTimeline<string>> XenFunctionPlaces => ArmFunctions.Of(Port);

    /// <summary>pte_of_xenaddr(va) as setup_pagetables uses it: mfn_to_xen_entry(..., MT_NORMAL).</summary>
    protected ulong XenEntry(PhysAddr pa) => Lpae.MfnToXenEntry(pa.ToMfn(), Lpae.MtNormal, PaddrBits, debug: false);

    /// <summary>A table link as setup_pagetables writes it: MT_NORMAL entry with table = 1 (and xn cleared where Xen clears it).</summary>
    protected ulong TableLink(PhysAddr table, bool clearXn) => (XenEntry(table) | Lpae.Table) & (clearXn ? ~Lpae.Xn : ulong.MaxValue);

    public override int MapPagesToXen(IXenMachine m, VirtAddr virt, Mfn mfn, ulong nr, bool superpages) =>
        new XenPageTables(this, m).MapPagesToXen(virt, mfn, nr, Lpae.PageHypervisorRw | (superpages ? Lpae.PageBlock : 0));


}
