using System.Xml.Linq;
using Pmap.Core;
using Pmap.Core.Arch;
using Pmap.Core.Scenarios;
using static Pmap.Host.Report.Svg;

namespace Pmap.Host.Report;

/// <summary>The fixmap as a ruler: one cell per slot in VA order, FIXADDR_START/TOP where they fall, the PMAP slots bracketed.</summary>
public static class FixmapSvg
{
    private static readonly string[] Palette = ["#cfe3f7", "#f7e3cf", "#dcf0d2", "#eadcf5", "#f5f0c8", "#d8eeee"];

    public static XElement Draw(ArchModel model)
    {
        var f = model.Fixmap;
        var slots = FixmapSlots.Of(model);
        var lo = Math.Min(f.FixaddrStart.Value, slots.Min(s => s.Va.Value));
        var hi = Math.Max(f.FixaddrTop.Value, slots.Max(s => s.Va.Value) + Page.Size);
        var pages = (double)((hi - lo) >> Page.Shift);
        var cell = Math.Clamp(1150 / pages, 1.2, 16);
        const double left = 20, top = 70, height = 34;
        double X(ulong va) => left + ((va - lo) >> Page.Shift) * cell;
        var width = Math.Max(X(hi) + 60, 640);
        var g = Group();
        foreach (var s in slots)
        {
            var range = f.Ranges.Select((r, i) => (r, i)).FirstOrDefault(p => s.Index >= p.r.First && s.Index <= p.r.Last);
            var pmap = s.Index >= f.FixPmapBegin && s.Index <= f.FixPmapEnd;
            var fill = pmap ? "#9fd89f" : range.r is null ? "#eeeeee" : Palette[range.i % Palette.Length];
            g.Add(Rect(X(s.Va.Value), top, cell, height, fill, $"slot {s.Index} {s.Name} at {Hex.Format(s.Va.Value)}",
                Data("slot", s.Index), Data("name", s.Name), pmap ? Data("pmap", "1") : null));
        }
        // Range names under the ruler, staggered so neighbours do not overwrite each other.
        var row = 0;
        foreach (var r in f.Ranges)
        {
            var (a, b) = (f.FixToVirt(r.First).Value, f.FixToVirt(r.Last).Value);
            var mid = (X(Math.Min(a, b)) + X(Math.Max(a, b) + Page.Size)) / 2;
            var y = top + height + 16 + (row++ % 3) * 13;
            g.Add(Line(mid, top + height, mid, y - 10, "#889"));
            g.Add(Text(mid, y, r.Count == 1 ? $"{r.Name} ({r.First})" : $"{r.Name} ({r.First}..{r.Last})", "middle", 10));
        }
        var (p0, p1) = (f.FixToVirt(f.FixPmapBegin).Value, f.FixToVirt(f.FixPmapEnd).Value);
        var (px0, px1) = (X(Math.Min(p0, p1)), X(Math.Max(p0, p1) + Page.Size));
        g.Add(Rect(px0, top - 6, px1 - px0, 4, "#2e8b2e", $"PMAP: slots {f.FixPmapBegin}..{f.FixPmapEnd} (NUM_FIX_PMAP {f.NumFixPmap})",
            Data("pmap-range", "1")));
        g.Add(Marker(X(f.FixaddrStart.Value), "FIXADDR_START", f.FixaddrStart, top, height, 14));
        g.Add(Marker(X(f.FixaddrTop.Value), "FIXADDR_TOP", f.FixaddrTop, top, height, 30, X(f.FixaddrTop.Value) > 300));
        var growth = f.Direction == SlotDirection.Up
            ? "slot numbers grow up: FIX_*(n) = FIXADDR_START + n pages"
            : "slot numbers grow down from FIXADDR_TOP";
        var (ax0, ax1) = f.Direction == SlotDirection.Up ? (left, left + 120) : (X(hi), X(hi) - 120);
        var arrow = Line(ax0, 50, ax1, 50, "#334", 1.5);
        arrow.Add(new XAttribute("marker-end", "url(#arrow)"));
        g.Add(arrow, Text(f.Direction == SlotDirection.Up ? left + 130 : X(hi) - 130, 54, growth,
            f.Direction == SlotDirection.Up ? "start" : "end", 10));
        var label = $"{model.Name} {model.Profile} fixmap: {slots.Count} slots, PMAP {f.FixPmapBegin}..{f.FixPmapEnd}";
        return Root(width, top + height + 60, label, ArrowDefs(), Data("arch", model.Name), Data("slots", slots.Count), g);
    }

    // A label right of its line, or left of it near the ruler's right end, so it is never clipped.
    private static XElement Marker(double x, string name, VirtAddr va, double top, double height, double labelY, bool right = false) => Group(
        Data("marker", name),
        Line(x, labelY + 3, x, top + height + 4, "#c0392b", 1.5, "3,2"),
        Text(right ? x - 3 : x + 3, labelY, $"{name} {Hex.Format(va.Value)}", right ? "end" : "start", 10, new XAttribute("fill", "#c0392b")));
}
