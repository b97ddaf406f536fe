using Pmap.Core.Arch;
using Spectre.Console;

namespace Pmap.Host.Views;

public sealed record FactDto(string Fact, string Value, string? Commit);

public sealed record ReleaseDto(string Release, string Profile, string Commit, IReadOnlyList<FactDto> Facts);

public sealed record AliasDto(string Alias, string Profile);

public sealed record VersionsDto(string Arch, string DefaultProfile, IReadOnlyList<ReleaseDto> Releases, IReadOnlyList<AliasDto> Aliases,
    IReadOnlyList<string> Notes);

/// <summary>
/// The release table as `pmap versions` shows it: consecutive releases whose facts are equal as one row (4.17.0–4.17.6), one
/// column per fact that differs, and under a value the commit that changed it from the row above.
/// </summary>
public static class VersionsView
{
    public static VersionsDto From(IArchitecture arch)
    {
        if (arch is not IReleaseHistory history)
            return new VersionsDto(arch.Name, arch.DefaultProfile, [], [],
                [$"{arch.Name} models no Xen release table (profiles: {string.Join(", ", arch.ProfileNames())})"]);
        var releases = history.Releases.Select(r => new ReleaseDto(r.Release, r.Profile, r.Commit,
            r.Facts.Select(f => new FactDto(f.Fact, f.Value, f.Commit)).ToList())).ToList();
        var aliases = XenRelease.BranchAliases(releases.Select(r => r.Release))
            .Where(a => arch.ProfileNames().Contains(a.Alias))
            .Select(a => new AliasDto(a.Alias, XenRelease.ProfileName(a.Release))).ToList();
        return new VersionsDto(arch.Name, arch.DefaultProfile, releases, aliases, history.ReleaseNotes);
    }

    /// <summary>Runs of consecutive releases (oldest first) whose every fact has the same value: one row of the table each.</summary>
    public static List<List<ReleaseDto>> Groups(IReadOnlyList<ReleaseDto> releases)
    {
        var groups = new List<List<ReleaseDto>>();
        foreach (var r in releases)
        {
            if (groups.Count > 0 && SameFacts(groups[^1][0], r)) groups[^1].Add(r);
            else groups.Add([r]);
        }
        return groups;
    }

    /// <summary>4.17.0–4.17.6, or the one release.</summary>
    public static string Span(IReadOnlyList<ReleaseDto> group) =>
        group.Count == 1 ? group[0].Release : $"{group[0].Release}\u2013{group[^1].Release}";

    private static bool SameFacts(ReleaseDto a, ReleaseDto b) =>
        a.Facts.Select(f => (f.Fact, f.Value)).SequenceEqual(b.Facts.Select(f => (f.Fact, f.Value)));

    public static void Render(IAnsiConsole c, VersionsDto dto)
    {
        var groups = Groups(dto.Releases);
        c.MarkupLine($"[bold]{Markup.Escape(dto.Arch)}[/]: {dto.Releases.Count} releases in {groups.Count} rows, default profile "
            + Markup.Escape(dto.DefaultProfile));
        if (dto.Releases.Count > 0)
        {
            // A fact with one value in every release says nothing about versions: its column is left out.
            var facts = dto.Releases[0].Facts.Select(f => f.Fact)
                .Where(name => dto.Releases.Select(r => Cell(r, name)?.Value).Distinct().Count() > 1).ToList();
            var rows = groups.Select((g, i) => (Span: Span(g), Cells: facts.Select(f => Shown(g[0], i == 0 ? null : groups[i - 1][0], f)).ToList()))
                .ToList();
            // As many fact columns per table as fit the console without cutting a hash or a hex value.
            var widths = new List<int> { Fit.MinWidth(rows.Select(r => r.Span).Append("releases")) };
            widths.AddRange(facts.Select((f, i) => Fit.MinWidth(rows.Select(r => r.Cells[i].Plain).Append(f))));
            foreach (var chunk in Fit.Chunks(c.Profile.Width, widths))
            {
                // Spectre shares out the width as it likes: the release span is one word and must not be cut.
                var t = new Table().AddColumn(new TableColumn("releases").NoWrap())
                    .AddColumns([.. chunk.Select(i => Markup.Escape(facts[i - 1]))]);
                foreach (var r in rows) t.AddRow([Markup.Escape(r.Span), .. chunk.Select(i => r.Cells[i - 1].Markup)]);
                c.Write(t);
            }
            Lines.Write(c, "Releases with equal facts share a row; under a value, the commit that changed it. One change in full: "
                + "pmap versions --diff FROM..TO", style: "dim");
        }
        if (dto.Aliases.Count > 0)
            Lines.Write(c, "aliases: " + string.Join(", ", dto.Aliases.Select(a => $"{a.Alias} = {a.Profile}")));
        foreach (var n in dto.Notes) Lines.Write(c, 0, 6, ("note:", "yellow"), (n, null));
    }

    public static FactDto? Cell(ReleaseDto r, string fact) => r.Facts.FirstOrDefault(f => f.Fact == fact);

    // The value, and its commit where the row changed it (the first row: every value's commit).
    private static (string Plain, string Markup) Shown(ReleaseDto row, ReleaseDto? above, string fact)
    {
        var f = Cell(row, fact);
        if (f is null) return ("", "");
        var changed = above is null || Cell(above, fact)?.Value != f.Value;
        var commit = changed && f.Commit is not null ? Abbreviated(f.Commit) : null;
        return (f.Value + (commit is null ? "" : "\n" + commit),
            Markup.Escape(f.Value) + (commit is null ? "" : $"\n[dim]{Markup.Escape(commit)}[/]"));
    }

    public static string Abbreviated(string commit) => commit[..Math.Min(10, commit.Length)];
}
