
namespace Pmap.Arch.Arm;

/// <summary>
/// Xen on Arm with the LPAE 4 KiB-granule format: the fixmap (asm/fixmap.h), arch_pmap_map/unmap
/// (asm/pmap.h), write_pte and flush_xen_tlb_range_va_local, and the static tables. Arm64 and Arm32
/// differ only in what their subclasses state: levels, VA/PA bits, the store and TLB instructions,
/// the chain of static tables and the boot mapping.
/// </summary>
/// <summary>
/// What one Arm port states: its name, format and codec, the write_pte store and the local TLB invalidate, the
/// RAM of a plain QEMU virt machine, Xen's default load address, the static tables from the root down, and
/// the image of a real build (by xen_xenmap pages) when one was examined.
/// </summary>
/// <param name="TlbiRegShift">What the TLBI register holds: VA &gt;&gt; 12 for tlbi vae2[is] (arm64), the VA itself for TLBIMVAH[IS].</param>
public sealed record ArmPort(string Name, PageTableFormat Format, LpaeCodec Codec, ArmInstructions Isa,
    int TlbiRegShift, RamBank DefaultRam, PhysAddr DefaultXenLoadAddress, IReadOnlyList<string> RootChain,
    Func<int, ArmImageLayout>? DefaultImage = null)
{
    /// <summary>One line for `pmap arch list`.</summary>
    public required string Description { get; init; }

    /// <summary>Where Xen and its fixmap sit in each layout era.</summary>
    public required IReadOnlyDictionary<ArmLayoutEra, ArmLayout> Layouts { get; init; }

    /// <summary>BITS_PER_LONG: the width of the v3 seed's one-word bitmap.</summary>
    public required int BitsPerLong { get; init; }

    /// <summary>The root chain's tables, then xen_fixmap and the xen_xenmap page(s), in image order.</summary>
    public (string Name, int Pages)[] StaticTables(int xenmapPages) =>
        [.. RootChain.Select(n => (n, 1)), ("xen_fixmap", 1), ("xen_xenmap", xenmapPages)];
}

public abstract class ArmModel : ArchModel
{
    public const int NumFixmapAcpiPages = 64; // xen/include/xen/acpi.h
    public const int FixConsole = 0, FixMisc = 1, FixAcpiBegin = 2;
    public const int FixAcpiEnd = FixAcpiBegin + NumFixmapAcpiPages - 1; // 65
    public const int FixPmapBegin = FixAcpiEnd + 1; // 66

    private readonly FixmapLayout _fixmap;

    protected ArmModel(ArchSettings settings, ArmProfile profile, ArmPort port) : base(settings, port.Name, port.Format, port.Codec)
    {
        ArmProfile = profile;
        Port = port;
        // The release's barriers are facts held as text: resolved here, so that a misspelt one stops the port at load.
        _flushBarrierBefore = port.Isa.Set.Get(profile.FlushBarrierBefore, "flush_xen_tlb_range_va_local");
        _flushBarrierAfter = port.Isa.Set.Get(profile.FlushBarrierAfter, "flush_xen_tlb_range_va_local");
        // Read at once, so that a bad value stops the program at start with its key.
        XenLoadAddress = settings.LoadAddress(ArmOptions.XenLoadAddress(port));
        var fixPmapEnd = FixPmapBegin + settings.NumFixPmap - 1; // inclusive, as Arm defines it
        var fixLast = fixPmapEnd;
        // 4.17: FIXADDR_TOP = FIXMAP_ADDR(FIXMAP_LAST), the off-by-one fe3412ab83 fixed; after it FIX_LAST + 1.
        var top = FixmapAddr(profile.FixaddrTopOffByOne ? fixLast : fixLast + 1);
        if (!profile.FixaddrTopOffByOne && top.Value >= FixmapAddr(Page.EntriesPerTable).Value)
            throw new PmapConfigurationException("NumFixPmap",
                $"{settings.NumFixPmap} breaks BUILD_BUG_ON(FIXADDR_TOP >= BOOT_FDT_VIRT_START): FIX_LAST {fixLast} leaves no guard page " +
                $"in the 2 MiB fixmap (at most {Page.EntriesPerTable - 2 - FixPmapBegin + 1} PMAP slots)");
        if (fixLast >= Page.EntriesPerTable)
            throw new PmapConfigurationException("NumFixPmap",
                $"{settings.NumFixPmap} puts FIXMAP_LAST at {fixLast}, beyond the {Page.EntriesPerTable} entries of xen_fixmap " +
                $"(at most {Page.EntriesPerTable - FixPmapBegin} PMAP slots)");
        _fixmap = new FixmapLayout
        {
            TableName = "xen_fixmap",
            Direction = SlotDirection.Up,
            FixaddrStart = FixmapAddr(0),
            FixaddrTop = top,
            FixPmapBegin = FixPmapBegin,
            FixPmapEnd = fixPmapEnd,
            NumFixPmap = settings.NumFixPmap,
            Ranges =
            [
                new FixmapRange(profile.SlotName("CONSOLE"), FixConsole, FixConsole),
                new FixmapRange(profile.SlotName("MISC"), FixMisc, FixMisc),
                new FixmapRange(profile.SlotName("ACPI"), FixAcpiBegin, FixAcpiEnd),
                new FixmapRange(profile.SlotName("PMAP"), FixPmapBegin, fixPmapEnd),
            ],
            EndOfFixedAddresses = fixLast + 1,
            VirtToFixSite = "arch/arm/include/asm/fixmap.h:41", // virt_to_fix's BUG_ON, line 41 in every release 4.17.0 to staging
        };
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
            : Port.DefaultImage?.Invoke(ArmProfile.XenmapPages) ?? ArmImageLayout.Packed(tables);
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
    public int PaddrBits => _paddrBits ??= Format.PaBits;

    private int? _paddrBits;
    private readonly Instruction _flushBarrierBefore, _flushBarrierAfter;
    private ArmInstructions Isa => Port.Isa;

    /// <summary>FIXMAP_ADDR(n).</summary>
    public VirtAddr FixmapAddr(int n) => new(ArmProfile.FixmapBase + ((ulong)n << Page.Shift));

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

    /// <summary>pte_of_xenaddr(va) as setup_pagetables uses it: mfn_to_xen_entry(..., MT_NORMAL).</summary>
    protected ulong XenEntry(PhysAddr pa) => Lpae.MfnToXenEntry(pa.ToMfn(), Lpae.MtNormal, PaddrBits, debug: false);

    /// <summary>A table link as setup_pagetables writes it: MT_NORMAL entry with table = 1 (and xn cleared where Xen clears it).</summary>
    protected ulong TableLink(PhysAddr table, bool clearXn) => (XenEntry(table) | Lpae.Table) & (clearXn ? ~Lpae.Xn : ulong.MaxValue);

    /// <summary>write_pte: dsb sy; str/strd; dsb sy (4.17 inline asm; HEAD dsb(sy), write_atomic, dsb(sy)).</summary>
    public void WritePte(IXenMachine m, PhysAddr entry, ulong pte)
    {
        m.Barrier(Isa.DsbSy);
        m.WritePte(entry, pte, Isa.Store);
        m.Barrier(Isa.DsbSy);
    }

    /// <summary>write_pte through a PMAP (or other) virtual address.</summary>
    public void WritePteVirt(IXenMachine m, VirtAddr entry, ulong pte)
    {
        m.Barrier(Isa.DsbSy);
        m.WritePteVirt(entry, pte, Isa.Store);
        m.Barrier(Isa.DsbSy);
    }

    public override int MapPagesToXen(IXenMachine m, VirtAddr virt, Mfn mfn, ulong nr, bool superpages) =>
        new XenPageTables(this, m).MapPagesToXen(virt, mfn, nr, Lpae.PageHypervisorRw | (superpages ? Lpae.PageBlock : 0));

    /// <summary>asm/pmap.h arch_pmap_map.</summary>
    public override void ArchPmapMap(IXenMachine m, int slot, Mfn mfn)
    {
        var entry = XenFixmap.Add((ulong)slot * Page.EntryBytes);
        m.Assert(!Lpae.IsValid(m.ReadPhys64(entry)), "!lpae_is_valid(*entry)", "arch_pmap_map", "arch/arm/include/asm/pmap.h:13");
        // PAGE_HYPERVISOR_RW (a flags word) where an MT index is expected: ai = 0x2f & 7 = MT_NORMAL, sh = inner.
        var pte = Lpae.MfnToXenEntry(mfn, Lpae.PageHypervisorRw, PaddrBits, m.Debug) | Lpae.Table;
        WritePte(m, entry, pte);
        if (ArmProfile.IsbAfterPmapWrite) m.ContextSynchronize(Isa.Isb); // feaa9aca87
    }

    /// <summary>asm/pmap.h arch_pmap_unmap: zero the entry, then flush_xen_tlb_range_va_local(FIXMAP_ADDR(slot), PAGE_SIZE).</summary>
    public override void ArchPmapUnmap(IXenMachine m, int slot)
    {
        WritePte(m, XenFixmap.Add((ulong)slot * Page.EntryBytes), 0);
        FlushXenTlbRangeVaLocal(m, FixmapAddr(slot), Page.Size);
    }

    /// <summary>flush_xen_tlb_range_va_local: barrier, one TLB invalidate per page, barrier, isb.</summary>
    public void FlushXenTlbRangeVaLocal(IXenMachine m, VirtAddr va, ulong size)
    {
        m.Barrier(_flushBarrierBefore);
        for (var off = 0UL; off < size; off += Page.Size) m.FlushTlbVa(Isa.TlbiVa, va.Add(off), reg: va.Add(off).Value >> Port.TlbiRegShift);
        m.Barrier(_flushBarrierAfter);
        m.ContextSynchronize(Isa.Isb);
    }

    /// <summary>
    /// flush_xen_tlb_range_va, the broadcast (inner-shareable) flush: 4.17.0–4.17.6 dsb sy; tlbi vae2is ×N; dsb sy; isb (c9a82940af);
    /// from 5e5d1a43e1 (4.18.0, 4.17.7 by 333c263bba) dsb ishst; tlbi vae2is ×N; dsb ish; isb. The repeat-TLBI forms
    /// (cbfaf6ccd2, __tlb_repeat_sync from 7c502d7591) are ALTERNATIVEs left as nops in early boot (docs/XEN_FACTS.md, the TLB flush).
    /// </summary>
    public void FlushXenTlbRangeVa(IXenMachine m, VirtAddr va, ulong size)
    {
        var sy = ArmProfile.Release.LocalFlush.Value == ArmLocalFlush.Sy; // both helpers changed barriers in the same commits
        m.Barrier(sy ? Isa.DsbSy : Isa.DsbIshst);
        for (var off = 0UL; off < size; off += Page.Size)
            m.FlushTlbVa(Isa.TlbiVaBroadcast, va.Add(off), reg: va.Add(off).Value >> Port.TlbiRegShift);
        m.Barrier(sy ? Isa.DsbSy : Isa.DsbIsh);
        m.ContextSynchronize(Isa.Isb);
    }
}
