using Pmap.Core;
using Pmap.Core.Arch;

namespace Pmap.Arch.Arm;

/// <summary>What both Arm ports' IArchitecture do: name their profiles and build a model for the chosen one.</summary>
public abstract class ArmArchitecture(string name, string description, IReadOnlyList<ArmProfile> profiles) : IArchitecture
{
    public string Name => name;
    public string Description => description;
    public IReadOnlyList<string> Profiles => profiles.Select(p => p.Name).ToList();
    public string DefaultProfile => profiles[0].Name;

    public ArchModel Create(ArchSettings settings)
    {
        var profile = profiles.FirstOrDefault(p => p.Name == settings.Profile)
            ?? throw new PmapConfigurationException("Profile", $"'{settings.Profile}' is not a profile of {name} ({string.Join(", ", Profiles)})");
        return CreateModel(settings, profile);
    }

    protected abstract ArmModel CreateModel(ArchSettings settings, ArmProfile profile);
}
