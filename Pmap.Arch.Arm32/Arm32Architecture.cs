using Pmap.Arch.Arm;

namespace Pmap.Arch.Arm32;

/// <summary>
/// The Arm32 port: the Arm profiles on ARMv7 LPAE in Hyp mode (docs/XEN_FACTS.md §3). The xenheap option is read
/// when the model is built, so a bad value stops the program at start.
/// </summary>
public sealed class Arm32Architecture() : ArmArchitecture(ArmPorts.Arm32, (settings, profile) => Arm32Model.Validated(settings, profile),
    Arm32Model.XenheapMegabytesOption)
{
    public const string ArchName = "arm32";
}

/// <summary>The plugin's entry type.</summary>
public sealed class Arm32Plugin() : ArchitecturePlugin<Arm32Architecture>(PmapContract.Version);
