using Pmap.Arch.Arm;

namespace Pmap.Arch.Arm64;

/// <summary>
/// What start_xen does through PMAP before early_fdt_map reaches the runtime tables, from 4.18: head.S's boot page tables
/// (TTBR0_EL2 until switch_ttbr), on which early_fdt_map first maps the FDT from e7a80636f1 (4.20); setup_pagetables'
/// arch_setup_page_tables (prepare_boot_identity_mapping, prepare_runtime_identity_mapping, 1c78d76b67) and switch_ttbr
/// (c4b72c4a54), whose update_identity_mapping maps _start's page on the boot tables with map_pages_to_xen and, once TTBR0_EL2
/// holds xen_pgtable, removes it from the runtime ones with destroy_xen_mappings (4.18 arm64/mm.c, later arm64/mmu/mm.c).
/// </summary>
public sealed partial class Arm64Model
{
    /// <summary>switch_ttbr maps and unmaps the identity page through xen_pt_update, the runtime identity tables left linked.</summary>
    public static FactTimeline<bool> SwitchTtbrThroughIdentityMap { get; } = new("switch_ttbr through update_identity_mapping",
        [new(false, null, "4.17.0"), new(true, "c4b72c4a5480", "4.18.0")]);

    /// <summary>start_xen maps the FDT on the boot tables before setup_pagetables, then again on the runtime ones.</summary>
    public static FactTimeline<bool> EarlyFdtMapOnBootTables { get; } = new("early_fdt_map before setup_pagetables",
        [new(false, null, "4.17.0"), new(true, "e7a80636f16e", "4.20.0")]);

    /// <summary>
    /// The boot tables above xen_fixmap, in the order every recorded build's linker put them (DEFINE_BOOT_PAGE_TABLE in mm.c,
    /// laid out downwards: 4.17.7's xen-syms and each later build's PMAP calls): boot_third (XEN_NR_ENTRIES(2) pages), then these.
    /// </summary>
    private static readonly string[] BootTablesAboveThird = ["boot_second", "boot_third_id", "boot_second_id", "boot_first_id", "boot_first", "boot_pgtable"];

    /// <summary>The runtime identity map's static tables (arm64/mm.c), one page below the other from xen_first_id down.</summary>
    private static readonly string[] RuntimeIdTables = ["xen_first_id", "xen_second_id", "xen_third_id"];

    /// <summary>PT_PT / PT_MEM_L3 (arm64 head.S): the attributes of head.S's table links and of its 4 KiB mappings of Xen.</summary>
    private const ulong PtPt = 0xf7f, PtMemL3 = 0xf7f;

    /// <summary>
    /// The boot tables and the runtime identity map's, each at the build's symbol when the symbols name it (read once), else
    /// where the linker puts it: the boot tables from xen_fixmap up, the identity tables from the branch's build's xen_first_id.
    /// </summary>
    private IReadOnlyDictionary<string, PhysAddr> IdentityMapTables => _identityMapTables ??= PlaceIdentityMapTables();

    private IReadOnlyDictionary<string, PhysAddr>? _identityMapTables;

    private Dictionary<string, PhysAddr> PlaceIdentityMapTables()
    {
        var symbols = Settings.Symbols();
        var third = ImageLayout.Tables["xen_fixmap"] + Page.Size;
        var firstId = Arm64Builds.FirstIdOffset(ArmProfile.Release.Release);
        var placed = new Dictionary<string, ulong?> { ["boot_third"] = third };
        for (var i = 0; i < BootTablesAboveThird.Length; i++)
            placed[BootTablesAboveThird[i]] = third + (((ulong)ArmProfile.XenmapPages + (ulong)i) << Page.Shift);
        for (var i = 0; i < RuntimeIdTables.Length; i++) placed[RuntimeIdTables[i]] = firstId - ((ulong)i << Page.Shift);
        return placed.ToDictionary(t => t.Key, t => XenLoadAddress.Add(SymbolOffset(symbols, t.Key) ?? t.Value
            ?? throw new PmapConfigurationException(ArchOptions.SymbolsFile.Key,
                $"the image layout of {ArmProfile.Name} does not place {t.Key}: give a xen-syms that names it")));
    }

    /// <summary>The symbol's offset from _start; null when there are no symbols or they do not name it (a recorded build's list).</summary>
    private static ulong? SymbolOffset(XenSymbols? symbols, string name)
    {
        if (symbols is null) return null;
        try
        {
            return symbols.Offset(name, "--xen-syms");
        }
        catch (PmapConfigurationException)
        {
            return null;
        }
    }

    private PhysAddr BootTable(string name) => IdentityMapTables[name];

    private PhysAddr RuntimeIdTable(string name) => IdentityMapTables[name];

    /// <summary>IDENTITY_MAPPING_AREA_NR_L0: 4 root slots (2 TB) in 4.18, 20 (10 TB) from 6cd046c501 (4.19).</summary>
    private int IdentityMappingAreaNrL0 => ArmProfile.Release.Layout.Value == ArmLayoutEra.Xen418 ? 4 : 20;

    private static PhysAddr Entry(PhysAddr table, int index) => table.Add((ulong)index * Page.EntryBytes);

    /// <summary>head.S create_table_entry: the next table's address with PT_PT.</summary>
    private static void HeadLink(IXenMachine m, PhysAddr table, int index, PhysAddr next) => m.WritePhys64(Entry(table, index), next.Value | PtPt);

    /// <summary>
    /// head.S create_page_tables for XEN_VIRT_START: boot_pgtable → boot_first → boot_second → boot_third (XEN_NR_ENTRIES(2)
    /// pages), Xen's (_end - _start) &gt;&gt; PAGE_SHIFT pages in boot_third with PT_MEM_L3, and the fixmap in boot_second. The
    /// identity map head.S also builds is cleared by prepare_boot_identity_mapping before anything walks it.
    /// </summary>
    private void CreateBootPageTables(IXenMachine m)
    {
        var xen = new VirtAddr(ArmProfile.XenVirtStart);
        HeadLink(m, BootTable("boot_pgtable"), Format.Index(xen, 0), BootTable("boot_first"));
        HeadLink(m, BootTable("boot_first"), Format.Index(xen, 1), BootTable("boot_second"));
        var third = BootTable("boot_third");
        for (var i = 0; i < ArmProfile.XenmapPages; i++)
            HeadLink(m, BootTable("boot_second"), Format.Index(xen, 2) + i, third.Add((ulong)i << Page.Shift));
        for (var i = 0UL; i < ImageLayout.End >> Page.Shift; i++)
            m.WritePhys64(third.Add(i * Page.EntryBytes), XenLoadAddress.Add(i << Page.Shift).Value | PtMemL3);
        HeadLink(m, BootTable("boot_second"), Format.Index(FixmapAddr(0), 2), XenFixmap);
        foreach (var t in BootTablesAboveThird.Prepend("boot_third")) m.NameTable(BootTable(t), t);
        foreach (var t in RuntimeIdTables) m.NameTable(RuntimeIdTable(t), t);
    }

    /// <summary>
    /// arch_setup_page_tables: prepare_boot_identity_mapping (boot_*_id cleared, linked from boot_pgtable down) and
    /// prepare_runtime_identity_mapping (xen_*_id linked from xen_pgtable down), each link MT_NORMAL, table = 1, xn = 0; the
    /// third-level entry is left to switch_ttbr.
    /// </summary>
    private void ArchSetupPageTables(IXenMachine m, VirtAddr idAddr)
    {
        if (Format.Index(idAddr, 0) >= IdentityMappingAreaNrL0)
        {
            throw new XenPanicException($"Cannot handle ID mapping above {IdentityMappingAreaNrL0 >> 1}TB", "prepare_boot_identity_mapping",
                "arch/arm/arm64/mm.c");
        }
        string[] bootId = ["boot_first_id", "boot_second_id", "boot_third_id"];
        foreach (var t in bootId) ClearPage(m, BootTable(t));
        LinkChain(m, BootTable("boot_pgtable"), [.. bootId.Select(BootTable)], idAddr);
        LinkChain(m, StaticTable("xen_pgtable"), [.. RuntimeIdTables.Select(RuntimeIdTable)], idAddr);
    }

    /// <summary>clear_page of a table in the image, reached through its own mapping: no PTE write of interest.</summary>
    private static void ClearPage(IXenMachine m, PhysAddr table)
    {
        for (var i = 0; i < Page.EntriesPerTable; i++) m.WritePhys64(Entry(table, i), 0);
    }

    private void LinkChain(IXenMachine m, PhysAddr root, PhysAddr[] tables, VirtAddr idAddr)
    {
        var parent = root;
        for (var level = 0; level < tables.Length; level++)
        {
            WritePte(m, Entry(parent, Format.Index(idAddr, level)), TableLink(tables[level], clearXn: true));
            parent = tables[level];
        }
    }

    /// <summary>
    /// switch_ttbr(xen_pgtable): update_identity_mapping(true) on the boot tables (map_pages_to_xen of _start's page,
    /// PAGE_HYPERVISOR_RX); xen_third_id's entry for switch_ttbr_id (in _start's page: the identity map is one page), ro;
    /// switch_ttbr_id's flush_xen_tlb_local and the TTBR0_EL2 write; then update_identity_mapping(false) on the runtime tables.
    /// </summary>
    private void SwitchTtbr(IXenMachine m, VirtAddr idAddr)
    {
        var idMfn = new PhysAddr(idAddr.Value).ToMfn();
        var rc = new XenPageTables(this, m).MapPagesToXen(idAddr, idMfn, 1, Lpae.PageHypervisorRx);
        if (rc != 0) throw new XenBugException("rc", "update_identity_mapping", "arch/arm/arm64/mm.c");
        var pte = TableLink(new PhysAddr(idAddr.Value), clearXn: true) | Lpae.Ro; // pte_of_xenaddr(switch_ttbr_id), xn = 0, ro = 1
        WritePte(m, Entry(RuntimeIdTable("xen_third_id"), Format.Index(idAddr, 3)), pte);
        var isa = Port.Isa;
        m.Barrier(isa.DsbIsh);
        m.ContextSynchronize(isa.Isb);
        m.Barrier(isa.DsbNshst); // flush_xen_tlb_local
        m.FlushTlbAll(isa.Set.Get("tlbi alle2", "switch_ttbr_id"));
        m.Barrier(isa.DsbNsh);
        m.ContextSynchronize(isa.Isb);
        m.Root = StaticTable("xen_pgtable");
        m.ContextSynchronize(isa.Isb);
        rc = new XenPageTables(this, m).DestroyXenMappings(idAddr, idAddr.Add(Page.Size));
        if (rc != 0) throw new XenBugException("rc", "update_identity_mapping", "arch/arm/arm64/mm.c");
    }

    /// <summary>
    /// The release's work before the runtime early_fdt_map: on the boot tables (TTBR0_EL2 = boot_pgtable) the early FDT map
    /// (4.20+), then setup_pagetables' identity-map preparation and switch_ttbr. The runtime tables themselves are the model's
    /// <see cref="ArmModel.SetupPageTables"/> (setup_pagetables writes them before switch_ttbr).
    /// </summary>
    private void BootTablesUntilSwitchTtbr(IXenMachine m, PhysAddr fdtBase)
    {
        if (!SwitchTtbrThroughIdentityMap.Of(ArmProfile.Release.Release).Value) return;
        CreateBootPageTables(m);
        // Nothing has been translated yet on this machine: TTBR0_EL2 held boot_pgtable since head.S.
        m.Root = BootTable("boot_pgtable");
        if (EarlyFdtMapOnBootTables.Of(ArmProfile.Release.Release).Value) EarlyFdtMap(m, fdtBase);
        var idAddr = new VirtAddr(XenLoadAddress.Value); // virt_to_maddr(_start)
        ArchSetupPageTables(m, idAddr);
        SwitchTtbr(m, idAddr);
    }
}
