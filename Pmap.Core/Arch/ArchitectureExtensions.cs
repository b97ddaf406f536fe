namespace Pmap.Core.Arch;

/// <summary>Helpers over <see cref="IArchitecture"/>.</summary>
public static class ArchitectureExtensions
{
    /// <summary>The names --profile accepts for this architecture, the default first.</summary>
    public static IReadOnlyList<string> ProfileNames(this IArchitecture arch) => arch.Profiles.Select(p => p.Name).ToList();
}
