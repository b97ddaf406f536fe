using Pmap.Core.Arch;

namespace Pmap.Arch.Arm;

/// <summary>What both Arm ports' IArchitecture share: the Arm profiles, declared once.</summary>
public abstract class ArmArchitecture(string name, string description, ArmLayout release417, ArmLayout upstream, int bitsPerLong)
    : Architecture<ArmProfile>(name, description, ArmProfiles.For(release417, upstream, bitsPerLong));
