using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pmap.Core;
using Pmap.Core.Arch;
using Pmap.Core.Machine;

namespace Pmap.Arch.Sample;

/// <summary>The plugin's entry type: the host finds it in plugins/Pmap.Arch.Sample/Pmap.Arch.Sample.dll.</summary>
public sealed class SamplePlugin : IArchitecturePlugin
{
    public int ContractVersion => PmapContract.Version;

    public void ConfigureServices(IServiceCollection services, IConfiguration configuration) =>
        services.AddSingleton<IArchitecture, SampleArchitecture>();
}

/// <summary>The architecture's names and profiles (one profile per modelled Xen revision).</summary>
public sealed class SampleArchitecture : IArchitecture
{
    public string Name => "sample-arch-name";
    public string Description => "TODO: one line saying what this port models";
    public IReadOnlyList<string> Profiles => ["upstream"];
    public string DefaultProfile => "upstream";

    public ArchModel Create(ArchSettings settings) => settings.Profile == "upstream"
        ? new SampleModel(settings)
        : throw new PmapConfigurationException("Profile", $"'{settings.Profile}' is not a profile of {Name}");
}

/// <summary>
/// The port's facts. Fill in each TODO from the architecture's asm/fixmap.h, asm/pmap.h and page-table code;
/// `dotnet test` runs the conformance suite and says what is still missing.
/// </summary>
public sealed class SampleModel(ArchSettings settings) : ArchModel(settings)
{
    public override string Name => "sample-arch-name";

    // TODO: levels as the architecture numbers them (root, leaf), VA bits, PA bits, canonical or zero-extended VAs.
    public override PageTableFormat Format { get; } = new(RootLevel: 3, LeafLevel: 0, VaBits: 48, PaBits: 48, VaRange.SignExtended);

    public override IPteCodec Codec => throw new NotImplementedException("TODO: the PTE codec (Classify, OutputAddress, Decode)");

    // TODO: where the fixmap is, which way it grows, the named slots and FIX_PMAP_BEGIN/END as asm/fixmap.h defines them.
    public override FixmapLayout Fixmap { get; } = new("xen_fixmap", SlotDirection.Up, new VirtAddr(0xFFFF800000000000),
        new VirtAddr(0xFFFF800000000000 + ((ulong)settings.NumFixPmap << Page.Shift)), 0, settings.NumFixPmap - 1, settings.NumFixPmap,
        [new FixmapRange("FIX_PMAP", 0, settings.NumFixPmap - 1)], settings.NumFixPmap, "vaddr >= FIXADDR_TOP || vaddr < FIXADDR_START", null);

    public override PmapCommonVariant CommonCode => PmapCommonVariant.Upstream;
    public override IReadOnlyList<string> MapOps => throw new NotImplementedException("TODO: the instructions arch_pmap_map runs");
    public override IReadOnlyList<string> UnmapOps => throw new NotImplementedException("TODO: the instructions arch_pmap_unmap runs");
    public override RamBank DefaultRam => new(new PhysAddr(0x80000000), 1UL << 30);
    public override RamBank XenImage => new(new PhysAddr(0x80200000), 2UL << 20);

    public override void SetupPageTables(XenMachine m) { /* TODO: Xen's static tables down to the fixmap's leaf table; set m.Cpu.Root */ }

    public override void ArchPmapMap(XenMachine m, int slot, Mfn mfn) => throw new NotImplementedException("TODO: arch_pmap_map");
    public override void ArchPmapUnmap(XenMachine m, int slot) => throw new NotImplementedException("TODO: arch_pmap_unmap");
    public override ulong PmapEntry(Mfn mfn) => throw new NotImplementedException("TODO: the entry arch_pmap_map writes");

    public override DirectmapMapping SetupDirectmapMappings(XenMachine m, RamBank bank) =>
        throw new NotImplementedException("TODO: the early-boot mapping of a RAM bank through PMAP");
}
