using Pmap.Core.Arch;
using Spectre.Console;

namespace Pmap.Host.Views;

public sealed record FactDto(string Fact, string Value, string? Commit);

public sealed record ReleaseDto(string Release, string Profile, string Commit, IReadOnlyList<FactDto> Facts);

public sealed record AliasDto(string Alias, string Profile);

public sealed record VersionsDto(string Arch, string DefaultProfile, IReadOnlyList<ReleaseDto> Releases, IReadOnlyList<AliasDto> Aliases,
    IReadOnlyList<string> Notes);

/// <summary>The release table as `pmap versions` shows it: one row per release, one column per fact that differs.</summary>
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

    public static void Render(IAnsiConsole c, VersionsDto dto)
    {
        c.MarkupLine($"[bold]{Markup.Escape(dto.Arch)}[/]: {dto.Releases.Count} releases, default profile {Markup.Escape(dto.DefaultProfile)}");
        if (dto.Releases.Count > 0)
        {
            // A fact with one value in every release says nothing about versions: its column is left out.
            var facts = dto.Releases[0].Facts.Select(f => f.Fact)
                .Where(name => dto.Releases.Select(r => Cell(r, name)?.Value).Distinct().Count() > 1).ToList();
            // As many fact columns per table as fit the console without cutting a hash or a hex value.
            var widths = new List<int> { Fit.MinWidth(dto.Releases.Select(r => r.Profile).Append("release").Append("0123456789")) };
            widths.AddRange(facts.Select(f => Fit.MinWidth(dto.Releases.Select(r => Plain(Cell(r, f))).Append(f))));
            foreach (var chunk in Fit.Chunks(c.Profile.Width, widths))
            {
                var t = new Table().AddColumns(["release", .. chunk.Select(i => Markup.Escape(facts[i - 1]))]);
                foreach (var r in dto.Releases)
                    t.AddRow([$"{Markup.Escape(r.Profile)}\n[dim]{r.Commit[..Math.Min(10, r.Commit.Length)]}[/]",
                        .. chunk.Select(i => Format(Cell(r, facts[i - 1])))]);
                c.Write(t);
            }
        }
        if (dto.Aliases.Count > 0)
            c.MarkupLine("aliases: " + Markup.Escape(string.Join(", ", dto.Aliases.Select(a => $"{a.Alias} = {a.Profile}"))));
        foreach (var n in dto.Notes) c.MarkupLine($"[yellow]note:[/] {Markup.Escape(n)}");
    }

    private static FactDto? Cell(ReleaseDto r, string fact) => r.Facts.FirstOrDefault(f => f.Fact == fact);

    private static string Plain(FactDto? f) => f is null ? "" : f.Value + (f.Commit is null ? "" : "\n" + f.Commit[..Math.Min(10, f.Commit.Length)]);

    private static string Format(FactDto? f) => f is null ? "" :
        Markup.Escape(f.Value) + (f.Commit is null ? "" : $"\n[dim]{Markup.Escape(f.Commit[..Math.Min(10, f.Commit.Length)])}[/]");
}
