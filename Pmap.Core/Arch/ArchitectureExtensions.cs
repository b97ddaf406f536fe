namespace Pmap.Core.Arch;

/// <summary>Helpers over <see cref="IArchitecture"/>.</summary>
public static class ArchitectureExtensions
{
    private const string XenPrefix = "xen-";

    /// <summary>The names --profile accepts for this architecture, the default first.</summary>
    public static IReadOnlyList<string> ProfileNames(this IArchitecture arch) => arch.Profiles.Select(p => p.Name).ToList();

    /// <summary>
    /// The profile <paramref name="name"/> names, or null: a profile's own name, or a release written without Xen's tag prefix
    /// (<c>4.19.1</c> for <c>xen-4.19.1</c>, <c>4.17</c> for the alias <c>xen-4.17</c>).
    /// </summary>
    public static string? ResolveProfile(this IArchitecture arch, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var names = arch.ProfileNames();
        if (names.Contains(name)) return name;
        return !name.StartsWith(XenPrefix, StringComparison.Ordinal) && names.Contains(XenPrefix + name) ? XenPrefix + name : null;
    }

    /// <summary>
    /// The usage error for a profile <paramref name="arch"/> does not have: the nearest name (a bare release compared as its
    /// xen- profile), and the names, cut short when a release table makes them many.
    /// </summary>
    public static string UnknownProfile(this IArchitecture arch, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var names = arch.ProfileNames();
        var spelt = name.Length > 0 && char.IsAsciiDigit(name[0]) ? XenPrefix + name : name;
        const int Shown = 8;
        var allowed = names.Count <= Shown + 4 ? string.Join(", ", names)
            : $"{string.Join(", ", names.Take(Shown))}, ... ({names.Count} in all: pmap versions --arch {arch.Name} lists the releases)";
        return $"unknown profile '{name}' for {arch.Name}{Spelling.Hint(spelt, names)}: allowed are {allowed}";
    }
}
