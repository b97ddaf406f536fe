using Pmap.Arch.Arm;
using Pmap.Core;
using Pmap.Core.Arch;

namespace Pmap.Arch.Arm64;

/// <summary>The Arm64 port: the Arm profiles on VMSAv8-64 (docs/XEN_FACTS.md).</summary>
public sealed class Arm64Architecture() : ArmArchitecture(ArchName, Summary,
    new Dictionary<ArmLayoutEra, ArmLayout>
    {
        [ArmLayoutEra.Xen417] = new(FixmapBase: 0x400000, XenVirtStart: 0x200000, XenmapPages: 1, Commit: "2b36ebd4a2ff"),
        [ArmLayoutEra.Xen418] = new(FixmapBase: 0x0000020000A00000, XenVirtStart: 0x0000020000200000, XenmapPages: 4, Commit: "abb1522832bb"),
        [ArmLayoutEra.Xen419] = new(FixmapBase: 0x00000A0000A00000, XenVirtStart: 0x00000A0000200000, XenmapPages: 4, Commit: "6cd046c501bc"),
    },
    bitsPerLong: 64)
{
    public const string ArchName = "arm64";

    private const string Summary = "AArch64 at EL2: VMSAv8-64, 4 KiB granule, 4 levels, 48-bit VA and PA";

    protected override ArchModel Create(ArchSettings settings, ArmProfile profile) => new Arm64Model(settings, profile);
}

/// <summary>The plugin's entry type.</summary>
public sealed class Arm64Plugin() : ArchitecturePlugin<Arm64Architecture>(PmapContract.Version);
