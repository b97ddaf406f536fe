using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pmap.Arch.Arm;
using Pmap.Core;
using Pmap.Core.Arch;

namespace Pmap.Arch.Arm32;

/// <summary>The Arm32 port: the same three revisions as Arm64 on ARMv7 LPAE (XEN_FACTS §2).</summary>
public sealed class Arm32Architecture() : ArmArchitecture(ArchName, Summary, [Xen417, SeedV3, Upstream])
{
    public const string ArchName = "arm32";

    /// <summary>RELEASE-4.17.0: fixmap at 0x400000, FIXADDR_TOP off by one, no isb in arch_pmap_map.</summary>
    public static readonly ArmProfile Xen417 = new("xen-4.17", "RELEASE-4.17.0 (unchanged through 4.17.7)",
        FixmapBase: 0x400000, XenVirtStart: 0x200000, XenmapPages: 1, FixaddrTopOffByOne: true, IsbAfterPmapWrite: false,
        IsbAfterPtUpdate: false, FlushBarrierBefore: "dsb sy", FlushBarrierAfter: "dsb sy", PmapCommonVariant.Release417, FixNames: false);

    /// <summary>The v3 patch: on arm32 its one unsigned long bitmap holds 32 slots.</summary>
    public static readonly ArmProfile SeedV3 = Xen417 with
    {
        Name = "seed-v3", Summary = "[PATCH v3 14/19] as posted: local_irq_save, one 32-bit unsigned long bitmap", CommonCode = PmapCommonVariant.SeedV3(32),
    };

    /// <summary>Today's Xen: XEN_VIRT_SIZE 8 MiB so the fixmap sits at 0x00a00000; both fixes; nsh barriers.</summary>
    public static readonly ArmProfile Upstream = new("upstream", "Xen HEAD (4.18+ layout, fe3412ab83 and feaa9aca87 applied)",
        FixmapBase: 0x00A00000, XenVirtStart: 0x200000, XenmapPages: 4, FixaddrTopOffByOne: false, IsbAfterPmapWrite: true,
        IsbAfterPtUpdate: true, FlushBarrierBefore: "dsb nshst", FlushBarrierAfter: "dsb nsh", PmapCommonVariant.Upstream, FixNames: true);

    private const string Summary = "ARMv7-A in Hyp mode: LPAE long descriptors, 3 levels, 32-bit VA, 40-bit PA";

    protected override ArmModel CreateModel(ArchSettings settings, ArmProfile profile)
    {
        var model = new Arm32Model(settings, profile);
        _ = model.XenheapMegabytes; // validate the option at start
        return model;
    }
}

/// <summary>The plugin's entry type.</summary>
public sealed class Arm32Plugin : IArchitecturePlugin
{
    public int ContractVersion => PmapContract.Version;

    public void ConfigureServices(IServiceCollection services, IConfiguration configuration) =>
        services.AddSingleton<IArchitecture, Arm32Architecture>();
}
