using Pmap.Core;
using Pmap.Verify.RealXen;
using Spectre.Console;

namespace Pmap.Host.Views;

public sealed record XenTableDto(string Table, int Level, string Va, string Model, string Real);

public sealed record XenEntryDiffDto(string Va, int Level, string Table, int Index, string Model, string Real,
    string ModelMeaning, string RealMeaning);

public sealed record XenDiffDto(string Arch, string Profile, string Image, string Ttbr0El2, string? Panic, int ModelTablePages, int RealTablePages,
    double XenSeconds, IReadOnlyList<XenTableDto> Tables, IReadOnlyList<XenEntryDiffDto> Differences);

/// <summary>`pmap verify --xen-image`: a real Xen's tables beside the model's.</summary>
public static class XenDiffView
{
    public static XenDiffDto From(RealXenReport r)
    {
        var lines = r.Console.Split('\n', StringSplitOptions.TrimEntries);
        var panic = Array.FindIndex(lines, l => l.StartsWith("(XEN) Panic on CPU", StringComparison.Ordinal));
        return new XenDiffDto(r.Arch, r.Profile, r.Image, Hex.Format(r.Ttbr0El2), panic >= 0 && panic + 1 < lines.Length ? lines[panic + 1] : null,
            r.ModelTablePages, r.RealTablePages, Math.Round(r.XenTime.TotalSeconds, 3),
            r.Comparison.Pairs.Select(p => new XenTableDto(p.Table, p.Level, Hex.Format(p.Va), Hex.Format(p.Model.Value),
                Hex.Format(p.Real.Value))).ToList(),
            r.Comparison.Differences.Select(d => new XenEntryDiffDto(Hex.Format(d.Va), d.Level, d.Table, d.Index, Hex.Format(d.Model),
                Hex.Format(d.Real), d.ModelMeaning, d.RealMeaning)).ToList());
    }

    public static void Render(IAnsiConsole c, XenDiffDto d)
    {
        c.MarkupLine($"[bold]{d.Arch}[/] {Markup.Escape(d.Profile)} beside {Markup.Escape(d.Image)} booted under QEMU in {d.XenSeconds:0.0} s"
            + $" (TTBR0_EL2 {d.Ttbr0El2}; {Markup.Escape(d.Panic ?? "no panic seen")})");
        var pairs = new Table().AddColumns("table", "level", "VA", "model PA", "Xen PA");
        foreach (var p in d.Tables) pairs.AddRow(Markup.Escape(p.Table), $"{p.Level}", p.Va, p.Model, p.Real);
        c.Write(pairs);
        var t = new Table().AddColumns("VA", "entry", "model", "real Xen");
        foreach (var x in d.Differences)
            t.AddRow(x.Va, Markup.Escape($"{x.Table}[{x.Index}] (level {x.Level})"), Markup.Escape($"{x.Model} {x.ModelMeaning}"),
                Markup.Escape($"{x.Real} {x.RealMeaning}"));
        if (d.Differences.Count > 0) c.Write(t);
        c.MarkupLine(d.Differences.Count == 0
            ? "[green]every entry agrees[/]"
            : $"[red]{d.Differences.Count} entries differ[/] ({d.ModelTablePages} model table pages, {d.RealTablePages} in Xen)");
    }
}
