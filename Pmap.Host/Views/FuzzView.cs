using Pmap.Core;
using Pmap.Core.Scenarios;
using Spectre.Console;

namespace Pmap.Host.Views;

public sealed record FuzzViolationDto(long At, string Invariant, IReadOnlyList<string> Shrunk);

public sealed record FuzzDto(string Arch, string Profile, string Seed, long Ops, long Maps, long Unmaps, long Touches, long XenCrashes,
    FuzzViolationDto? Violation);

/// <summary>A fuzz run as `pmap fuzz` shows it.</summary>
public static class FuzzView
{
    public static FuzzDto From(FuzzReport r) => new(r.Arch, r.Profile, Hex.Format(r.Seed), r.Ops, r.Maps, r.Unmaps, r.Touches, r.XenCrashes,
        r.Violation is { } v ? new FuzzViolationDto(v.At, v.Invariant, v.Shrunk.Select(o => o.ToString()).ToList()) : null);

    public static void Render(IAnsiConsole c, FuzzDto d)
    {
        c.MarkupLine($"[bold]{Markup.Escape(d.Arch)}[/] {Markup.Escape(d.Profile)}, seed {d.Seed}: {d.Ops} operations " +
                     $"({d.Maps} maps, {d.Unmaps} unmaps, {d.Touches} touches, {d.XenCrashes} stopped by Xen's own checks)");
        if (d.Violation is not { } v)
        {
            c.MarkupLine("[green]every invariant held[/]");
            return;
        }
        c.MarkupLine($"[red]invariant broken[/] at operation {v.At}: {Markup.Escape(v.Invariant)}");
        c.MarkupLine($"shortest sequence found ({v.Shrunk.Count} operations):");
        foreach (var op in v.Shrunk) c.MarkupLine("  " + Markup.Escape(op));
    }
}
