using Pmap.Core;
using Pmap.Verify;
using Spectre.Console;

namespace Pmap.Host.Views;

public sealed record VerifyCheckDto([property: JsonHex] string Va, string What, string Model, string Qemu, bool Agrees);

public sealed record VerifyDto(string Arch, string Profile, [property: JsonOneOf("boot", "map")] string Scenario, string Qemu, int TablePages, int TablePagesMoved,
    int Checked, int Disagreements, string? FirstDisagreement, double ModelSeconds, double QemuSeconds, IReadOnlyList<VerifyCheckDto> Checks)
{
    /// <summary>--all: every row in human output, not only the disagreements (the JSON always has every row).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool All { get; init; }
}

/// <summary>A verify run as `pmap verify` shows it.</summary>
public static class VerifyView
{
    public static VerifyDto From(VerifyReport r)
    {
        var checks = r.Checks.Select(c => new VerifyCheckDto(Hex.Format(c.Va), c.What, c.ModelAnswer, c.QemuAnswer, c.Agrees)).ToList();
        var first = checks.FirstOrDefault(c => !c.Agrees) is { } d ? $"{d.Va} ({d.What}): model {d.Model}, QEMU {d.Qemu}" : null;
        return new VerifyDto(r.Arch, r.Profile, r.Scenario.ToString().ToLowerInvariant(), Path.GetFileName(r.QemuBinary), r.TablePages,
            r.TablePagesMoved, checks.Count, checks.Count(c => !c.Agrees), first,
            Math.Round(r.ModelTime.TotalSeconds, 3), Math.Round(r.QemuTime.TotalSeconds, 3), checks);
    }

    public static void Render(IAnsiConsole c, VerifyDto d)
    {
        // The disagreements are the finding: only they are listed, unless --all asks for every row (disagreements first).
        var rows = d.Checks.Where(x => d.All || !x.Agrees).OrderBy(x => x.Agrees).ToList();
        if (rows.Count > 0)
        {
            var t = new Table().AddColumns("VA", "what", "model", "QEMU", "");
            foreach (var x in rows) t.AddRow(x.Va, Markup.Escape(x.What), x.Model, x.Qemu, x.Agrees ? "[green]ok[/]" : "[red]DIFFERS[/]");
            c.Write(t);
        }
        c.MarkupLine($"[bold]{d.Arch}[/] {Markup.Escape(d.Profile)}, scenario {d.Scenario}: {d.TablePages} table pages "
            + $"({d.TablePagesMoved} moved into QEMU's RAM), {d.Checked} VAs checked with {d.Qemu} in {d.QemuSeconds:0.00} s");
        c.MarkupLine(d.Disagreements == 0
            ? $"[green]QEMU's MMU agrees with the model on all {d.Checked} VAs[/]"
            : $"[red]QEMU's MMU disagrees with the model on {d.Disagreements} of {d.Checked} VAs[/]: first {Markup.Escape(d.FirstDisagreement ?? "")}");
        if (!d.All) c.MarkupLine("[dim]--all lists every VA checked[/]");
    }
}
