using Pmap.Arch.Arm;
using Pmap.Core;
using Pmap.Core.Arch;

namespace Pmap.Arch.Arm32;

/// <summary>The Arm32 port: the Arm profiles on ARMv7 LPAE in Hyp mode (docs/XEN_FACTS.md).</summary>
public sealed class Arm32Architecture() : ArmArchitecture(ArchName, Summary,
    new Dictionary<ArmLayoutEra, ArmLayout>
    {
        [ArmLayoutEra.Xen417] = new(FixmapBase: 0x400000, XenVirtStart: 0x200000, XenmapPages: 1, Commit: "2b36ebd4a2ff"),
        // XEN_VIRT_SIZE 8 MiB from 4.18 puts the fixmap at 0x00a00000; 4.19's move (6cd046c501) is arm64's only.
        [ArmLayoutEra.Xen418] = new(FixmapBase: 0x00A00000, XenVirtStart: 0x200000, XenmapPages: 4, Commit: "abb1522832bb"),
        [ArmLayoutEra.Xen419] = new(FixmapBase: 0x00A00000, XenVirtStart: 0x200000, XenmapPages: 4, Commit: "abb1522832bb"),
    },
    bitsPerLong: 32)
{
    public const string ArchName = "arm32";

    private const string Summary = "ARMv7-A in Hyp mode: LPAE long descriptors, 3 levels, 32-bit VA, 40-bit PA";

    protected override ArchModel Create(ArchSettings settings, ArmProfile profile)
    {
        var model = new Arm32Model(settings, profile);
        _ = model.XenheapMegabytes; // validate the option at start
        return model;
    }
}

/// <summary>The plugin's entry type.</summary>
public sealed class Arm32Plugin() : ArchitecturePlugin<Arm32Architecture>(PmapContract.Version);
