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

/// <summary>A pair `pmap fuzz` could not run: its plugin or model failed, or Xen died before the first operation.</summary>
public sealed record FuzzSkippedDto(string Arch, string? Profile, ErrorDto Error);

/// <summary>The runs together: pairs run, those with findings, those skipped, operations, the wall time of all, operations per second.</summary>
public sealed record FuzzTotalsDto(int Pairs, int WithFindings, int Skipped, long Ops, double WallSeconds, double OpsPerSecond);

/// <summary>`pmap fuzz` over several (architecture, profile) pairs: each run as a single run shows it, the pairs skipped, the totals.</summary>
public sealed record FuzzPairsDto(IReadOnlyList<FuzzDto> Runs, IReadOnlyList<FuzzSkippedDto> Skipped, FuzzTotalsDto Totals);

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
        RenderFindings(c, "", d.Findings);
    }

    /// <summary>Each pair's result on one row, the pairs skipped and why, each pair's findings, then the totals.</summary>
    public static void Render(IAnsiConsole c, FuzzPairsDto d)
    {
        var t = new Table().AddColumns("arch", "profile", "seed", "operations", "maps", "unmaps", "touches", "refusals", "result");
        foreach (var r in d.Runs)
        {
            var result = r.Findings.Count == 0 ? "[green]no finding[/]" : $"[red]{r.Findings.Count} finding(s)[/]";
            t.AddRow(Markup.Escape(r.Arch), Markup.Escape(r.Profile), r.Seed, $"{r.Ops}", $"{r.Maps}", $"{r.Unmaps}", $"{r.Touches}", $"{r.Refusals}", result);
        }
        foreach (var s in d.Skipped)
            t.AddRow(Markup.Escape(s.Arch), Markup.Escape(s.Profile ?? "-"), "-", "-", "-", "-", "-", "-", $"[red]skipped[/]: {Markup.Escape(s.Error.Message)}");
        c.Write(t);
        foreach (var r in d.Runs.Where(r => r.Findings.Count > 0)) RenderFindings(c, $"{r.Arch} {r.Profile}: ", r.Findings);
        var x = d.Totals;
        c.MarkupLine($"{x.Pairs} pairs: {x.Ops} operations in {x.WallSeconds:0.00} s ({x.OpsPerSecond:0} operations/s); " +
                     $"{x.WithFindings} with findings, {x.Skipped} skipped");
    }

    private static void RenderFindings(IAnsiConsole c, string pair, IReadOnlyList<FuzzFindingDto> findings)
    {
        c.MarkupLine($"[red]{Markup.Escape(pair)}{findings.Count} finding(s)[/] from valid use:");
        foreach (var f in findings)
        {
            c.MarkupLine($"[red]{Markup.Escape(f.Site)}[/] in {Markup.Escape(f.Where)}" +
                         (f.Source is null ? "" : $" at {Markup.Escape(f.Source)}") + $", first at operation {f.At}");
            c.MarkupLine($"  {Markup.Escape(f.Detail)}");
            c.MarkupLine($"  shortest sequence found ({f.Shrunk.Count} operations): {Markup.Escape(string.Join("; ", f.Shrunk))}");
        }
    }
}
