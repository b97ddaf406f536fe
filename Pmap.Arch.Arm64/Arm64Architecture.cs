using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pmap.Arch.Arm;
using Pmap.Core;
using Pmap.Core.Arch;

namespace Pmap.Arch.Arm64;

/// <summary>The Arm64 port: three profiles of the same hardware (XEN_FACTS §2, §5).</summary>
public sealed class Arm64Architecture() : ArmArchitecture(ArchName, Summary, [Xen417, SeedV3, Upstream])
{
    public const string ArchName = "arm64";

    /// <summary>RELEASE-4.17.0 as shipped through 4.17.7: FIXADDR_TOP off by one, no isb in arch_pmap_map.</summary>
    public static readonly ArmProfile Xen417 = new("xen-4.17", "RELEASE-4.17.0 (unchanged through 4.17.7)",
        FixmapBase: 0x400000, XenVirtStart: 0x200000, XenmapPages: 1, FixaddrTopOffByOne: true, IsbAfterPmapWrite: false,
        IsbAfterPtUpdate: false, FlushBarrierBefore: "dsb sy", FlushBarrierAfter: "dsb sy", PmapCommonVariant.Release417, FixNames: false);

    /// <summary>The v3 patch as posted (Feb 2022): 4.17's Arm side under v3's pmap.c.</summary>
    public static readonly ArmProfile SeedV3 = Xen417 with
    {
        Name = "seed-v3", Summary = "[PATCH v3 14/19] as posted: local_irq_save, one unsigned long bitmap", CommonCode = PmapCommonVariant.SeedV3(64),
    };

    /// <summary>Today's Xen: fixmap at 0x00000a0000a00000, FIXADDR_TOP fixed, isb after the PTE write, nsh barriers.</summary>
    public static readonly ArmProfile Upstream = new("upstream", "Xen HEAD (4.19+ layout, fe3412ab83 and feaa9aca87 applied)",
        FixmapBase: 0x00000A0000A00000, XenVirtStart: 0x00000A0000200000, XenmapPages: 4, FixaddrTopOffByOne: false, IsbAfterPmapWrite: true,
        IsbAfterPtUpdate: true, FlushBarrierBefore: "dsb nshst", FlushBarrierAfter: "dsb nsh", PmapCommonVariant.Upstream, FixNames: true);

    private const string Summary = "AArch64 at EL2: VMSAv8-64, 4 KiB granule, 4 levels, 48-bit VA and PA";

    protected override ArmModel CreateModel(ArchSettings settings, ArmProfile profile) => new Arm64Model(settings, profile);
}

/// <summary>The plugin's entry type.</summary>
public sealed class Arm64Plugin : IArchitecturePlugin
{
    public int ContractVersion => PmapContract.Version;

    public void ConfigureServices(IServiceCollection services, IConfiguration configuration) =>
        services.AddSingleton<IArchitecture, Arm64Architecture>();
}
