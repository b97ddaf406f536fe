using Pmap.Core;
using Pmap.Core.Scenarios;
using Spectre.Console;

namespace Pmap.Host.Views;

public sealed record FuzzViolationDto(long At, string Invariant, IReadOnlyList<string> Shrunk);

/// <summary>One site of a run: what stopped (or went wrong) there, whether the contract allows it, and how often.</summary>
public sealed record FuzzSiteDto(string Verdict, string Kind, string Site, string Check, string Where, string? Source, long Count);

/// <summary>A finding's first occurrence, what happened, and the shortest sequence found that still reaches it.</summary>
public sealed record FuzzFindingDto(string Kind, string Site, string Check, string Where, string? Source, long At, string Detail, IReadOnlyList<string> Shrunk);

public sealed record FuzzDto(string Arch, string Profile, string Seed, long Ops, long Maps, long Unmaps, long Touches, long XenCrashes,
    long Refusals, IReadOnlyList<FuzzSiteDto> Sites, IReadOnlyList<FuzzFindingDto> Findings, FuzzViolationDto? Violation);

/// <summary>A fuzz run as `pmap fuzz` shows it.</summary>
public static class FuzzView
{
    public static FuzzDto From(FuzzReport r)
    {
        var sites = r.Sites.OrderBy(s => s.Site.Verdict).ThenByDescending(s => s.Count)
            .Select(s => new FuzzSiteDto(Name(s.Site.Verdict), Name(s.Site.Kind), s.Site.Statement, s.Site.Check, s.Site.Where, s.Site.Source, s.Count)).ToList();
        var findings = r.Findings.OrderBy(f => f.At).Select(f => new FuzzFindingDto(Name(f.Site.Kind), f.Site.Statement, f.Site.Check, f.Site.Where, f.Site.Source,
            f.At, f.Detail, [.. f.Shrunk.Select(o => o.ToString())])).ToList();
        var refusals = r.Sites.Where(s => s.Site.Verdict == FuzzVerdict.Refusal).Sum(s => s.Count);
        var violation = findings.FirstOrDefault() is { } first ? new FuzzViolationDto(first.At, first.Detail, first.Shrunk) : null;
        return new(r.Arch, r.Profile, Hex.Format(r.Seed), r.Ops, r.Maps, r.Unmaps, r.Touches, r.XenCrashes, refusals, sites, findings, violation);
    }

    private static string Name<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();

    public static void Render(IAnsiConsole c, FuzzDto d)
    {
        c.MarkupLine($"[bold]{Markup.Escape(d.Arch)}[/] {Markup.Escape(d.Profile)}, seed {d.Seed}: {d.Ops} operations " +
                     $"({d.Maps} maps, {d.Unmaps} unmaps, {d.Touches} touches; {d.XenCrashes} stopped by Xen's own checks, " +
                     $"{d.Refusals} of them refusals pmap.c's contract allows)");
        if (d.Sites.Count > 0)
        {
            var t = new Table().AddColumns("verdict", "site", "where", "source", "count");
            foreach (var s in d.Sites)
            {
                var verdict = s.Verdict == "finding" ? "[red]finding[/]" : "refusal";
                t.AddRow(verdict, Markup.Escape(s.Site), Markup.Escape(s.Where), Markup.Escape(s.Source ?? "-"), $"{s.Count}");
            }
            c.Write(t);
        }
        if (d.Findings.Count == 0)
        {
            c.MarkupLine("[green]no finding[/]: every stop was a refusal pmap.c's contract allows, and every invariant held");
            return;
        }
        c.MarkupLine($"[red]{d.Findings.Count} finding(s)[/] from valid use:");
        foreach (var f in d.Findings)
        {
            c.MarkupLine($"[red]{Markup.Escape(f.Site)}[/] in {Markup.Escape(f.Where)}" +
                         (f.Source is null ? "" : $" at {Markup.Escape(f.Source)}") + $", first at operation {f.At}");
            c.MarkupLine($"  {Markup.Escape(f.Detail)}");
            c.MarkupLine($"  shortest sequence found ({f.Shrunk.Count} operations): {Markup.Escape(string.Join("; ", f.Shrunk))}");
        }
    }
}
