using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pmap.Port;

namespace Pmap.TestArch;

/// <summary>
/// A deliberately plain architecture for testing the common logic: 4 levels (0..3), 48-bit VA/PA,
/// entry = address | table (bit 1) | valid (bit 0), an up-growing fixmap at 0x400000 with two named slots
/// before the PMAP range. Its unmap flush can be left out to show what a missing flush does, and its directmap can map every
/// page one frame off, a port bug that only the boot scenario's own verification catches. Its unmap barrier is a fact held as
/// text, as a release's barriers are, so a misspelt one is refused; and it may state no maintenance rules at all.
/// </summary>
public sealed class FakeModel(ArchSettings settings, string name, bool skipUnmapFlush, PmapCommonVariant common, bool skipUnmapStore = false,
    bool directmapOffByOne = false, bool statesRules = true, string unmapBarrier = "fence", bool strayMapBarrier = false,
    PageTableFormat? format = null, Action<string>? hook = null)
    : ArchModel(settings, name, format ?? Fmt, new FakeCodec())
{
    private readonly Instruction _unmapBarrier = Isa.Get(unmapBarrier, "arch_pmap_unmap");

    /// <summary>The fake port's vocabulary: a store, a full fence, and a local TLB flush of one VA that completes itself.</summary>
    public static InstructionSet Isa { get; } = new("fake");
    public static Instruction Store { get; } = Isa.Store("st");
    public static Instruction Fence { get; } = Isa.Barrier("fence", OpEffect.OrdersStores | OpEffect.CompletesInvalidation);
    public static Instruction TlbFlush { get; } = Isa.InvalidateVa("tlbflush", OpEffect.CompletesInvalidation | OpEffect.ContextSync);

    /// <summary>A barrier of another vocabulary: a port that executes it is refused at that first use.</summary>
    public static Instruction StrayDmb { get; } = new InstructionSet("elsewhere").Barrier("dmb", OpEffect.OrdersStores);

    /// <summary>A new entry needs the fence after its store; a removed one a flush of its VA.</summary>
    public static MaintenanceRules Rules { get; } = new(
    [
        new TranslationRule("FAKE-NEW-FENCE", "a new entry is seen by walks only after a fence", "the fake manual", RuleCheck.NewEntryBarrier, "fence"),
        TranslationRule.RemovalInvalidate("FAKE-RM-FLUSH", "a tlbflush of its VA", "the fake manual", "tlbflush"),
    ]);

    public override InstructionSet Instructions => Isa;
    public override MaintenanceRules Maintenance => statesRules ? Rules : MaintenanceRules.None;
    public const ulong Valid = 1, TableBit = 2;
    public const int FixA = 0, FixB = 1, FixPmapBegin = 2;
    public static readonly PhysAddr Root = new(0x1000000);
    public PhysAddr Fixmap3 => Root.Add(3 * Page.Size);

    /// <summary>The fake port's format: levels 0..3, 48-bit VA and PA (a port under test may state another).</summary>
    public static readonly PageTableFormat Fmt = new(0, 3, 48, 48, VaRange.ZeroExtended);

    public override PmapCommonVariant CommonCode => common;
    public override FixmapLayout Fixmap { get; } = new()
    {
        TableName = "fake_fixmap",
        Direction = SlotDirection.Up,
        FixaddrStart = new VirtAddr(0x400000),
        FixaddrTop = new VirtAddr(0x400000 + ((ulong)(FixPmapBegin + settings.NumFixPmap) << 12)),
        FixPmapBegin = FixPmapBegin,
        FixPmapEnd = FixPmapBegin + settings.NumFixPmap - 1,
        NumFixPmap = settings.NumFixPmap,
        Ranges =
        [
            new FixmapRange("FIX_A", 0, 0), new FixmapRange("FIX_B", 1, 1),
            new FixmapRange("FIX_PMAP", FixPmapBegin, FixPmapBegin + settings.NumFixPmap - 1),
        ],
        EndOfFixedAddresses = FixPmapBegin + settings.NumFixPmap,
        VirtToFixSite = null,
    };

    public override RamBank DefaultRam => new(new PhysAddr(0x40000000), 64UL << 20);
    public override XenImage Image { get; } =
        XenImage.Packed(Root, 64 * Page.Size, 0, ("fake_root", 1), ("fake_l1", 1), ("fake_l2", 1), ("fake_fixmap", 1));
    public override VirtAddr? DirectmapVirtStart => new(0x0000100000000000);

    private static ulong PmapEntry(Mfn mfn) => (mfn.Value << 12) | TableBit | Valid;

    public override void SetupPageTables(IXenMachine m)
    {
        // root[0] -> L1; L1[0] -> L2; L2[2] -> fixmap (0x400000 is L2 index 2).
        m.WritePhys64(Root, Root.Add(Page.Size).Value | TableBit | Valid);
        m.WritePhys64(Root.Add(Page.Size), Root.Add(2 * Page.Size).Value | TableBit | Valid);
        m.WritePhys64(Root.Add(2 * Page.Size + 2 * 8), Fixmap3.Value | TableBit | Valid);
        m.Root = Root;
    }

    private PhysAddr Entry(int slot) => Fixmap3.Add((ulong)slot * 8);

    public override void ArchPmapMap(IXenMachine m, int slot, Mfn mfn)
    {
        hook?.Invoke("arch_pmap_map");
        m.Assert((m.ReadPhys64(Entry(slot)) & Valid) == 0, "!pte_valid(*entry)", "arch_pmap_map");
        m.WritePte(Entry(slot), PmapEntry(mfn), Store);
        m.Barrier(strayMapBarrier ? StrayDmb : Fence);
    }

    public override void ArchPmapUnmap(IXenMachine m, int slot)
    {
        hook?.Invoke("arch_pmap_unmap");
        if (!skipUnmapStore) m.WritePte(Entry(slot), 0, Store);
        m.Barrier(_unmapBarrier);
        if (!skipUnmapFlush) m.FlushTlbVa(TlbFlush, Fixmap.FixToVirt(slot));
    }

    public override int MapPagesToXen(IXenMachine m, VirtAddr virt, Mfn mfn, ulong nr, bool superpages)
    {
        for (var i = 0UL; i < nr; i++)
        {
            var va = virt.Add(i << 12);
            var table = m.PmapMap(m.Root.ToMfn());
            for (var level = 0; level < 3; level++)
            {
                var entry = table.Add((ulong)Format.Index(va, level) * 8);
                var e = m.ReadVirt64(entry);
                if ((e & Valid) == 0)
                {
                    var t = m.AllocTablePage(level + 1);
                    var p = m.PmapMap(t);
                    m.ClearPageVirt(p);
                    m.PmapUnmap(p);
                    e = (t.Value << 12) | TableBit | Valid;
                    m.WritePteVirt(entry, e, Store);
                }
                m.PmapUnmap(table);
                table = m.PmapMap(new Mfn((e & 0xFFFFFFFFF000) >> 12));
            }
            var leaf = table.Add((ulong)Format.Index(va, 3) * 8);
            if ((m.ReadVirt64(leaf) & Valid) != 0)
            {
                m.PmapUnmap(table);
                return -Errno.EINVAL;
            }
            m.WritePteVirt(leaf, PmapEntry(mfn.Add(directmapOffByOne ? i + 1 : i)), Store);
            m.PmapUnmap(table);
        }
        return 0;
    }

    public override DirectmapMapping SetupDirectmapMappings(IXenMachine m, RamBank bank)
    {
        var rc = MapPagesToXen(m, DirectmapVirtStart!.Value, bank.Base.ToMfn(), bank.Size >> 12, false);
        if (rc != 0) throw new XenPanicException("Unable to setup the directmap mappings.", "setup_directmap_mappings");
        return new DirectmapMapping(DirectmapVirtStart.Value, bank.Base, bank.Size >> 12);
    }
}

public sealed class FakeCodec : IPteCodec
{
    public PteKind Classify(ulong raw, int level) => (raw & FakeModel.Valid) == 0 ? PteKind.Invalid
        : (raw & FakeModel.TableBit) != 0 ? (level == 3 ? PteKind.Page : PteKind.Table) : (level == 3 ? PteKind.Reserved : PteKind.Block);

    public PhysAddr OutputAddress(ulong raw, int level) => new(raw & 0xFFFFFFFFF000);

    /// <summary>The fake format has no permission bits: every mapping is writable and executable (what dump --check-wx finds).</summary>
    public PteAttributes Attributes(ulong raw, int level) => new("normal", Write: true, Execute: true, Global: false, Contiguous: false);

    public IReadOnlyList<PteField> Fields(ulong raw, int level, PteKind kind) =>
        [new PteField("Valid", 0, 0, raw & 1, "valid"), new PteField("Table", 1, 1, (raw >> 1) & 1, "table/page"),
            new PteField("Address", 47, 12, raw & 0xFFFFFFFFF000, "address")];
}

public sealed record FakeProfile(string Name, string Summary, PmapCommonVariant Common) : IProfile;

public sealed class FakeArchitecture(string name = "fake", bool skipUnmapFlush = false, bool skipUnmapStore = false, bool directmapOffByOne = false,
    bool statesRules = true, string unmapBarrier = "fence", bool strayMapBarrier = false, PageTableFormat? format = null,
    Action<string>? hook = null)
    : Architecture<FakeProfile>(name, "a test architecture",
    [new("plain", "today's pmap.c", PmapCommonVariant.Upstream), new("seed-v3", "the v3 pmap.c", PmapCommonVariant.SeedV3(64))])
{
    /// <summary>One option of each kind a port states, none of which changes the model.</summary>
    public static IReadOnlyList<ArchOption> Declared { get; } =
    [
        ArchOption.Boolean("Quiet", false, "a test switch"),
        ArchOption.Choice("Colour", ["red", "green"], "a test choice"),
    ];

    public override IReadOnlyList<ArchOption> Options => Declared;

    protected override ArchModel Create(ArchSettings settings, FakeProfile profile) =>
        new FakeModel(settings, Name, skipUnmapFlush, profile.Common, skipUnmapStore, directmapOffByOne, statesRules, unmapBarrier,
            strayMapBarrier, format, hook);
}

/// <summary>A test plugin's entry type: registers what <paramref name="make"/> returns and reports <paramref name="contractVersion"/>.</summary>
public abstract class TestArchPlugin(Func<IArchitecture> make, int contractVersion = PmapContract.Version) : IArchitecturePlugin
{
    public int ContractVersion => contractVersion;

    public virtual void ConfigureServices(IServiceCollection services, IConfiguration configuration) =>
        services.AddSingleton(make());
}
