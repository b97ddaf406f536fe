using Pmap.Arch.Arm;

namespace Pmap.Arch.Arm64;

/// <summary>The Arm64 port: the Arm profiles on VMSAv8-64 (docs/XEN_FACTS.md §3).</summary>
public sealed class Arm64Architecture() : ArmArchitecture(ArmPorts.Arm64, (settings, profile) => new Arm64Model(settings, profile))
{
    public const string ArchName = "arm64";
}

/// <summary>The plugin's entry type.</summary>
public sealed class Arm64Plugin() : ArchitecturePlugin<Arm64Architecture>(PmapContract.Version);
