using Pmap.Core;
using Pmap.Core.Arch;

namespace Pmap.Host.Commands;

/// <summary>
/// The models of a command that shows several architectures side by side (compare, report): one --arch list, --profile per architecture.
/// </summary>
public static class ModelSelection
{
    /// <summary>What --arch and --profile take for every loaded architecture and every profile of each, where a command allows it.</summary>
    public const string All = "all";

    /// <summary>
    /// --arch A,B (default: every loaded architecture) with --profile either one name (for each architecture that has it; with
    /// <paramref name="profileEverywhere"/> each must) or ARCH:PROFILE pairs: a pair sets that architecture's profile, two pairs of one
    /// architecture show it twice, and with no --arch the pairs alone choose the models.
    /// </summary>
    public static List<ArchModel> Models(CommandContext c, string? archList, bool profileEverywhere, bool defaultFirst) =>
        Choose(c, archList, profileEverywhere, defaultFirst, allowAll: false,
            (arch, profile) => c.Registry.Create(arch, c.Global.Request(arch.Name) with { Profile = profile }));

    /// <summary>
    /// The architectures and profiles <see cref="Models"/> would make, each model left to the caller; with <paramref name="allowAll"/>
    /// --arch all is every loaded architecture and --profile all (or ARCH:all) every profile of each (null: the configured or default).
    /// </summary>
    public static List<(IArchitecture Arch, string? Profile)> Choices(CommandContext c, string? archList, bool profileEverywhere, bool allowAll) =>
        Choose(c, archList, profileEverywhere, defaultFirst: false, allowAll, (arch, profile) => (arch, profile));

    /// <summary>Whether --arch and --profile name several models (a list, ARCH:PROFILE pairs, or all) rather than one.</summary>
    public static bool Several(GlobalOptions g) =>
        IsAll(g.Arch) || IsAll(g.Profile) || g.Arch?.Contains(',', StringComparison.Ordinal) == true || Pairs(g.Profile) is not null;

    private static bool IsAll(string? name) => string.Equals(name?.Trim(), All, StringComparison.OrdinalIgnoreCase);

    // Each architecture found, then its models made, one architecture after another: the first thing wrong is the error.
    private static List<T> Choose<T>(CommandContext c, string? archList, bool profileEverywhere, bool defaultFirst, bool allowAll,
        Func<IArchitecture, string?, T> make)
    {
        var pairs = Pairs(c.Global.Profile);
        var names = archList is not null && !(allowAll && IsAll(archList)) ? Split(archList)
            : pairs is not null && archList is null ? pairs.Select(p => p.Arch).Distinct(StringComparer.OrdinalIgnoreCase).ToList()
            : c.Registry.Names.OrderBy(n => defaultFirst && n == c.Registry.Options.Architecture ? 0 : 1)
                .ThenBy(n => n, StringComparer.Ordinal).ToList();
        if (names.Count == 0) throw new PmapUsageException("--arch names no architecture: give one or more, e.g. arm64,x86");
        foreach (var stray in pairs?.Where(p => !names.Contains(p.Arch, StringComparer.OrdinalIgnoreCase)) ?? [])
            throw new PmapUsageException($"--profile {stray.Arch}:{stray.Profile}: {stray.Arch} is not among --arch {archList}");
        var models = new List<T>();
        foreach (var name in names)
        {
            var arch = c.Registry.Find(name).Architecture;
            var mine = pairs?.Where(p => string.Equals(p.Arch, name, StringComparison.OrdinalIgnoreCase))
                .SelectMany(p => allowAll && IsAll(p.Profile) ? arch.ProfileNames() : [p.Profile]).Select(p => (string?)p).ToList() ?? [];
            if (mine.Count == 0 && pairs is null && c.Global.Profile is { } plain)
            {
                if (allowAll && IsAll(plain)) mine.AddRange(arch.ProfileNames());
                else if (profileEverywhere || arch.ResolveProfile(plain) is not null) mine.Add(plain);
            }
            if (mine.Count == 0) mine.Add(null); // the configured or default profile
            models.AddRange(mine.Select(p => make(arch, p)));
        }
        return models;
    }

    private static List<string> Split(string list) =>
        list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    /// <summary>ARCH:PROFILE pairs, or null for a plain profile (or none).</summary>
    public static List<(string Arch, string Profile)>? Pairs(string? profile)
    {
        if (profile is null || !profile.Contains(':', StringComparison.Ordinal)) return null;
        return Split(profile).Select(pair =>
        {
            var at = pair.IndexOf(':', StringComparison.Ordinal);
            if (at <= 0 || at == pair.Length - 1)
                throw new PmapUsageException($"--profile '{Hex.Echo(pair)}': expected ARCH:PROFILE, e.g. arm64:xen-4.17");
            return (pair[..at], pair[(at + 1)..]);
        }).ToList();
    }
}
