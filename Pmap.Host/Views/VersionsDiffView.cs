using Pmap.Core;
using Spectre.Console;

namespace Pmap.Host.Views;

public sealed record FactDiffDto(string Fact, string Old, string New, string? Commit);

public sealed record VersionsDiffDto(string Arch, string From, string To, IReadOnlyList<FactDiffDto> Changes);

/// <summary>`pmap versions --diff A..B`: each fact whose value differs between two releases, old → new, with the commit of the new value.</summary>
public static class VersionsDiffView
{
    /// <summary>
    /// The facts of release <paramref name="to"/> that differ from <paramref name="from"/>'s. Each name is a release or its
    /// profile (<c>4.17.7</c>, <c>xen-4.17.7</c>, the alias <c>xen-4.17</c>, <c>upstream</c>).
    /// </summary>
    public static VersionsDiffDto From(VersionsDto versions, string range)
    {
        var parts = range.Split("..");
        if (parts.Length != 2 || parts.Any(p => p.Trim().Length == 0))
            throw new PmapUsageException($"--diff '{Hex.Echo(range)}': expected two releases as FROM..TO, e.g. 4.17.7..4.18.0");
        var (from, to) = (Release(versions, parts[0].Trim()), Release(versions, parts[1].Trim()));
        var changes = to.Facts.Select(n => (New: n, Old: VersionsView.Cell(from, n.Fact)))
            .Where(p => p.Old?.Value != p.New.Value)
            .Select(p => new FactDiffDto(p.New.Fact, p.Old?.Value ?? "", p.New.Value, p.New.Commit)).ToList();
        return new VersionsDiffDto(versions.Arch, from.Release, to.Release, changes);
    }

    private static ReleaseDto Release(VersionsDto versions, string name)
    {
        var profile = versions.Aliases.FirstOrDefault(a => a.Alias == name || a.Alias == "xen-" + name)?.Profile;
        var found = versions.Releases.FirstOrDefault(r => r.Release == name || r.Profile == name || r.Profile == profile);
        if (found is not null) return found;
        if (versions.Releases.Count == 0)
            throw new PmapUsageException($"--diff: {versions.Arch} models no Xen release table (pmap versions --arch {versions.Arch} says why)");
        var names = versions.Releases.Select(r => r.Release).ToList();
        var hint = Spelling.Hint(name.StartsWith("xen-", StringComparison.Ordinal) ? name[4..] : name, names);
        throw new PmapUsageException($"--diff: '{Hex.Echo(name)}' is not a release of {versions.Arch}{hint}: " +
            $"releases are {names[0]} to {names[^2]} and {names[^1]} (pmap versions --arch {versions.Arch})");
    }

    public static void Render(IAnsiConsole c, VersionsDiffDto dto)
    {
        var what = dto.Changes.Count switch { 0 => "no fact changed", 1 => "1 fact changed", var n => $"{n} facts changed" };
        c.MarkupLine($"[bold]{Markup.Escape(dto.Arch)}[/] {Markup.Escape(dto.From)} \u2192 {Markup.Escape(dto.To)}: {what}");
        // One block per fact, old and new on lines of their own, so that a long instruction sequence never wraps at 80 columns.
        foreach (var f in dto.Changes)
        {
            c.MarkupLine($"{Markup.Escape(f.Fact)}" + (f.Commit is null ? "" : $" [dim](commit {Markup.Escape(f.Commit)})[/]"));
            c.MarkupLine($"  - {Markup.Escape(f.Old)}");
            c.MarkupLine($"  + {Markup.Escape(f.New)}");
        }
    }
}
