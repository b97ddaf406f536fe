using Pmap.Port;

namespace Pmap.TestPlugin.Oracle;

/// <summary>
/// A port made from the pmap-arch template and filled in as a porter would, against Pmap.Core alone: a small AArch64-style
/// port (VMSAv8-64 4 KiB granule, levels 0..3, 48-bit VA and PA) that states its oracle, QEMU's AArch64 EL2 stage 1, so
/// that `pmap verify` checks it with an unchanged host. Its own values, not Xen's: it models no Xen revision.
/// </summary>
public sealed class OraclePlugin() : ArchitecturePlugin<OracleArchitecture>(PmapContract.Version);

/// <summary>A modelled revision of this port.</summary>
public sealed record OracleProfile(string Name, string Summary) : IProfile;

/// <summary>The architecture's names and profiles.</summary>
public sealed class OracleArchitecture() : Architecture<OracleProfile>(OracleModel.ArchName,
    "a template-made test port with an AArch64 EL2 oracle", [new("upstream", "the only revision")])
{
    public override IReadOnlyList<ArchOption> Options => [];

    protected override ArchModel Create(ArchSettings settings, OracleProfile profile) => new OracleModel(settings);
}

/// <summary>The port's facts: a fixmap of PMAP slots at 4 MiB, static tables root → L1 → L2 → fixmap, a 16 MiB bank.</summary>
public sealed class OracleModel(ArchSettings settings) : ArchModel(settings, ArchName,
    new PageTableFormat(RootLevel: 0, LeafLevel: 3, VaBits: 48, PaBits: 48, VaRange.ZeroExtended), new OracleCodec())
{
    public const string ArchName = "oracle-test";
    private const ulong FixmapVa = 0x40_0000; // L0[0] → L1[0] → L2[2]

    public override FixmapLayout Fixmap { get; } = new()
    {
        TableName = "oracle_fixmap",
        Direction = SlotDirection.Up,
        FixaddrStart = new VirtAddr(FixmapVa),
        FixaddrTop = new VirtAddr(FixmapVa + ((ulong)settings.NumFixPmap << Page.Shift)),
        FixPmapBegin = 0,
        FixPmapEnd = settings.NumFixPmap - 1,
        NumFixPmap = settings.NumFixPmap,
        Ranges = [new FixmapRange("FIX_PMAP", 0, settings.NumFixPmap - 1)],
        EndOfFixedAddresses = settings.NumFixPmap,
        VirtToFixSite = null,
    };

    /// <summary>RAM where QEMU virt has it, so the probe finds most tables in place.</summary>
    public override RamBank DefaultRam => new(new PhysAddr(0x4000_0000), 16UL << 20);

    public override XenImage Image { get; } = XenImage.Packed(new PhysAddr(0x4020_0000), 2UL << 20, 0,
        ("oracle_root", 1), ("oracle_l1", 1), ("oracle_l2", 1), ("oracle_fixmap", 1));

    public override VirtAddr? DirectmapVirtStart => new(0x1000_0000_0000);

    public static InstructionSet Isa { get; } = new(ArchName);
    public static Instruction Str { get; } = Isa.Store("str");
    public static Instruction DsbIsb { get; } = Isa.Barrier("dsb sy; isb", OpEffect.OrdersStores | OpEffect.CompletesInvalidation | OpEffect.ContextSync);
    public static Instruction TlbiVae2 { get; } = Isa.InvalidateVa("tlbi vae2", OpEffect.None);
    public override InstructionSet Instructions => Isa;

    public override MaintenanceRules Maintenance { get; } = new(
    [
        new TranslationRule("ORACLE-NEW", "a new entry is used only after dsb; isb", "the test port", RuleCheck.NewEntryBarrier, "dsb sy; isb"),
        TranslationRule.RemovalInvalidate("ORACLE-RM", "a tlbi of its VA completed by dsb; isb", "the test port", "tlbi vae2"),
    ]);

    /// <summary>How `pmap verify` checks this port: QEMU virt at EL3 driving AArch64 EL2 stage 1, the port's own registers.</summary>
    public override VerificationTarget Oracle { get; } = new("qemu-system-aarch64", "qemu-system-arm",
        ["-M", "virt,virtualization=on,secure=on", "-cpu", "cortex-a57"], 0x4000_0000,
        // TCR_EL2: RES1 31 and 23, PS 48 bits, walks inner-shareable WBWA, T0SZ 16; MAIR all normal WBWA; SCTLR_EL2 RES1 | M.
        new Aarch64El2Stage1(TcrEl2: (1UL << 31) | (1UL << 23) | (0b101UL << 16) | (3UL << 12) | (1UL << 10) | (1UL << 8) | 16,
            MairEl2: 0xFFFF_FFFF_FFFF_FFFF, SctlrEl2: 0x30C5_0830 | 1));

    private PhysAddr Table(int index) => Image.Tables[index].Address;

    public override void SetupPageTables(IXenMachine m)
    {
        m.WritePhys64(Table(0), OracleCodec.Table(Table(1)));
        m.WritePhys64(Table(1), OracleCodec.Table(Table(2)));
        m.WritePhys64(Table(2).Add((ulong)Format.Index(new VirtAddr(FixmapVa), 2) * 8), OracleCodec.Table(Table(3)));
        m.Root = Table(0);
    }

    private PhysAddr Entry(int slot) => Table(3).Add((ulong)slot * 8);

    public override void ArchPmapMap(IXenMachine m, int slot, Mfn mfn)
    {
        m.Assert(m.ReadPhys64(Entry(slot)) == 0, "!pte_valid(*entry)", "arch_pmap_map");
        m.WritePte(Entry(slot), OracleCodec.Page(mfn), Str);
        m.Barrier(DsbIsb);
    }

    public override void ArchPmapUnmap(IXenMachine m, int slot)
    {
        m.WritePte(Entry(slot), 0, Str);
        m.FlushTlbVa(TlbiVae2, Fixmap.FixToVirt(slot));
        m.Barrier(DsbIsb);
    }

    /// <summary>Page by page, tables reached through PMAP as early boot does.</summary>
    public override int MapPagesToXen(IXenMachine m, VirtAddr virt, Mfn mfn, ulong nr, bool superpages)
    {
        for (var i = 0UL; i < nr; i++)
        {
            var va = virt.Add(i << Page.Shift);
            var table = m.PmapMap(m.Root.ToMfn());
            for (var level = Format.RootLevel; level < Format.LeafLevel; level++)
            {
                var entry = table.Add((ulong)Format.Index(va, level) * 8);
                var e = m.ReadVirt64(entry);
                if (e == 0)
                {
                    var t = m.AllocTablePage(level + 1);
                    var p = m.PmapMap(t);
                    m.ClearPageVirt(p);
                    m.PmapUnmap(p);
                    e = OracleCodec.Table(t.ToPhysAddr());
                    m.WritePteVirt(entry, e, Str);
                    m.Barrier(DsbIsb);
                }
                m.PmapUnmap(table);
                table = m.PmapMap(Codec.OutputAddress(e, level).ToMfn());
            }
            m.WritePteVirt(table.Add((ulong)Format.Index(va, Format.LeafLevel) * 8), OracleCodec.Page(mfn.Add(i)), Str);
            m.Barrier(DsbIsb);
            m.PmapUnmap(table);
        }
        return 0;
    }

    public override DirectmapMapping SetupDirectmapMappings(IXenMachine m, RamBank bank)
    {
        var va = DirectmapVirtStart!.Value;
        MapPagesToXen(m, va, bank.Base.ToMfn(), bank.Size >> Page.Shift, superpages: false);
        return new DirectmapMapping(va, bank.Base, bank.Size >> Page.Shift);
    }
}

/// <summary>VMSAv8-64 descriptors, the few bits this port writes: valid (0), table/page (1), AF (10), output address 47:12.</summary>
public sealed class OracleCodec : IPteCodec
{
    private const ulong Valid = 1, TableOrPage = 2, Af = 1UL << 10, Address = 0x0000_FFFF_FFFF_F000;

    public static ulong Table(PhysAddr pa) => pa.Value | TableOrPage | Valid;
    public static ulong Page(Mfn mfn) => (mfn.Value << 12) | Af | TableOrPage | Valid;

    public PteKind Classify(ulong raw, int level) => (raw & Valid) == 0 ? PteKind.Invalid
        : (raw & TableOrPage) != 0 ? (level == 3 ? PteKind.Page : PteKind.Table)
        : level is 1 or 2 ? PteKind.Block : PteKind.Reserved;

    public PhysAddr OutputAddress(ulong raw, int level) => new(raw & Address);

    public IReadOnlyList<PteField> Fields(ulong raw, int level, PteKind kind) =>
    [
        PteFlags.Valid(raw, 0, "Valid"), new PteField("Table", 1, 1, (raw >> 1) & 1, "table or page"),
        new PteField("AF", 10, 10, (raw >> 10) & 1, "access flag"), new PteField("Address", 47, 12, raw & Address, "output address"),
    ];
}
