using Pmap.Port;

namespace Pmap.Arch.Template;

/// <summary>The plugin's entry type: the host finds it in plugins/Pmap.Arch.Template/Pmap.Arch.Template.dll.</summary>
public sealed class ArchTemplatePlugin() : ArchitecturePlugin<ArchTemplateArchitecture>(PmapContract.Version);

/// <summary>A modelled Xen revision of this port.</summary>
public sealed record ArchTemplateProfile(string Name, string Summary) : IProfile;

/// <summary>The architecture's names and profiles (one profile per modelled Xen revision, the default first).</summary>
public sealed class ArchTemplateArchitecture() : Architecture<ArchTemplateProfile>("arch-template-name",
    "TODO: one line saying what this port models",
    [new("upstream", "TODO: the Xen revision this profile models")])
{
    // TODO: every key the model reads under Architectures:arch-template-name, with its type, default and meaning (e.g.
    // ArchOption.Boolean("MapFence", true, "...")), read with settings.GetBool(option); the host warns about any other key there.
    public override IReadOnlyList<ArchOption> Options => [];

    protected override ArchModel Create(ArchSettings settings, ArchTemplateProfile profile) => new ArchTemplateModel(settings);
}

/// <summary>
/// The port's facts. Fill in each TODO from the architecture's asm/fixmap.h, asm/pmap.h and page-table code;
/// `dotnet test` runs the conformance suite and says what is still missing.
/// </summary>
// TODO: levels as the architecture numbers them (root, leaf), VA bits, PA bits, canonical or zero-extended VAs.
public sealed class ArchTemplateModel(ArchSettings settings) : ArchModel(settings, "arch-template-name",
    new PageTableFormat(RootLevel: 3, LeafLevel: 0, VaBits: 48, PaBits: 48, VaRange.SignExtended), new ArchTemplateCodec())
{

    // TODO: where the fixmap is, which way it grows, the named slots and FIX_PMAP_BEGIN/END as asm/fixmap.h defines them.
    public override FixmapLayout Fixmap { get; } = new()
    {
        TableName = "xen_fixmap",
        Direction = SlotDirection.Up,
        FixaddrStart = new VirtAddr(0xFFFF800000000000),
        FixaddrTop = new VirtAddr(0xFFFF800000000000 + ((ulong)settings.NumFixPmap << Page.Shift)),
        FixPmapBegin = 0,
        FixPmapEnd = settings.NumFixPmap - 1,
        NumFixPmap = settings.NumFixPmap,
        Ranges = [new FixmapRange("FIX_PMAP", 0, settings.NumFixPmap - 1)],
        EndOfFixedAddresses = settings.NumFixPmap,
        VirtToFixSite = "TODO: asm/fixmap.h",
    };

    public override RamBank DefaultRam => new(new PhysAddr(0x80000000), 1UL << 30);

    // TODO: where Xen's image is loaded and where its static tables sit (the fixmap's leaf table among them).
    public override XenImage Image { get; } = XenImage.Packed(new PhysAddr(0x80200000), 2UL << 20, 1UL << 20, ("xen_root", 1), ("xen_fixmap", 1));

    public override void SetupPageTables(IXenMachine m) { /* TODO: Xen's static tables down to the fixmap's leaf table; set m.Root */ }

    // TODO: every instruction the hooks execute, as Xen spells it, with what it does for the rules: the PTE store, barriers,
    // TLB invalidations (e.g. Instructions.Barrier("fence rw,rw", OpEffect.OrdersStores)). The machine refuses any other.
    public static InstructionSet Isa { get; } = new("arch-template-name");
    public static Instruction PteStore { get; } = Isa.Store("TODO-store");
    public override InstructionSet Instructions => Isa;

    // TODO: the architecture's translation-table maintenance rules, each with its citation (see docs/PORTING.md). Until it
    // states them, no sequence of this port is called clean: `pmap hazards` refuses to judge and conformance fails.
    public override MaintenanceRules Maintenance => MaintenanceRules.None;

    public override void ArchPmapMap(IXenMachine m, int slot, Mfn mfn) => throw new NotImplementedException("TODO: arch_pmap_map");
    public override void ArchPmapUnmap(IXenMachine m, int slot) => throw new NotImplementedException("TODO: arch_pmap_unmap");

    public override DirectmapMapping SetupDirectmapMappings(IXenMachine m, RamBank bank) =>
        throw new NotImplementedException("TODO: the early-boot mapping of a RAM bank through PMAP");
}

/// <summary>The entry format: which kind an entry is at a level, where it points, and its named fields.</summary>
public sealed class ArchTemplateCodec : IPteCodec
{
    public PteKind Classify(ulong raw, int level) =>
        throw new NotImplementedException("TODO: the PTE codec: classify an entry (invalid, table, block, page)");
    public PhysAddr OutputAddress(ulong raw, int level) => throw new NotImplementedException("TODO: the PTE codec: the address an entry points to");
    public IReadOnlyList<PteField> Fields(ulong raw, int level, PteKind kind) =>
        throw new NotImplementedException("TODO: the PTE codec: an entry's named fields");
}
