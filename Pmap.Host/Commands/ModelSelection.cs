using Pmap.Core;
using Pmap.Core.Arch;

namespace Pmap.Host.Commands;

/// <summary>
/// The models of a command that shows several architectures side by side (compare, report): one --arch list, --profile per architecture.
/// </summary>
public static class ModelSelection
{
    /// <summary>
    /// --arch A,B (default: every loaded architecture) with --profile either one name (for each architecture that has it; with
    /// <paramref name="profileEverywhere"/> each must) or ARCH:PROFILE pairs: a pair sets that architecture's profile, two pairs of one
    /// architecture show it twice, and with no --arch the pairs alone choose the models.
    /// </summary>
    public static List<ArchModel> Models(CommandContext c, string? archList, bool profileEverywhere, bool defaultFirst)
    {
        var pairs = Pairs(c.Global.Profile);
        var names = archList is not null ? Split(archList)
            : pairs is not null ? pairs.Select(p => p.Arch).Distinct(StringComparer.OrdinalIgnoreCase).ToList()
            : c.Registry.Names.OrderBy(n => defaultFirst && n == c.Registry.Options.Architecture ? 0 : 1)
                .ThenBy(n => n, StringComparer.Ordinal).ToList();
        if (names.Count == 0) throw new PmapUsageException("--arch names no architecture: give one or more, e.g. arm64,x86");
        foreach (var stray in pairs?.Where(p => !names.Contains(p.Arch, StringComparer.OrdinalIgnoreCase)) ?? [])
            throw new PmapUsageException($"--profile {stray.Arch}:{stray.Profile}: {stray.Arch} is not among --arch {archList}");
        var models = new List<ArchModel>();
        foreach (var name in names)
        {
            var arch = c.Registry.Find(name).Architecture;
            var mine = pairs?.Where(p => string.Equals(p.Arch, name, StringComparison.OrdinalIgnoreCase))
                .Select(p => (string?)p.Profile).ToList() ?? [];
            if (mine.Count == 0 && pairs is null && c.Global.Profile is { } plain && (profileEverywhere || arch.ResolveProfile(plain) is not null))
                mine.Add(plain);
            if (mine.Count == 0) mine.Add(null); // the configured or default profile
            models.AddRange(mine.Select(p => c.Registry.Create(arch, c.Global.Request(arch.Name) with { Profile = p })));
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
