using System.Xml.Linq;
using Pmap.Core;
using Pmap.Core.Arch;
using Pmap.Core.Scenarios;
using static Pmap.Host.Report.Svg;

namespace Pmap.Host.Report;

/// <summary>
/// The fixmap as a ruler in VA order, readable at any slot count: the PMAP slots, their two neighbours on each side and any
/// slot outside [FIXADDR_START, FIXADDR_TOP) drawn one wide cell each; every other run of slots of one range condensed to
/// one block whose width grows with the log of its length. Labels are placed in rows so none overlaps or leaves the picture.
/// A PMAP slot outside the range (the FIXADDR_TOP off-by-one, docs/XEN_FACTS.md §3.9) is hatched red under a thick red
/// FIXADDR_TOP with a callout.
/// </summary>
public static class FixmapSvg
{
    /// <summary>The picture's width: it fits an 800-pixel window unscaled, so its 10-pixel text stays 10 pixels.</summary>
    public const double Width = 720;
    private const double Margin = 10, RulerHeight = 40, RowHeight = 16, BigMax = 64, BigMin = 22;
    private static readonly string[] Palette = ["#cfe3f7", "#f7e3cf", "#dcf0d2", "#eadcf5", "#f5f0c8", "#d8eeee"];

    /// <summary>A run of pages in VA order: one slot drawn wide, or a condensed run of slots of one range (or of no slot).</summary>
    private sealed record Segment(List<FixmapSlot?> Pages, ulong Va, bool Wide)
    {
        public double X { get; set; }
        public double W { get; set; }
        public FixmapSlot? Slot => Pages[0];
    }

    public static XElement Draw(ArchModel model)
    {
        var f = model.Fixmap;
        var segments = Segments(model);
        Fit(segments);
        var slotsTotal = f.EndOfFixedAddresses;
        var rulerEnd = segments[^1].X + segments[^1].W;
        var width = Math.Max(Width, rulerEnd + Margin);
        double X(ulong va) => segments.Where(s => va >= s.Va && va <= s.Va + ((ulong)s.Pages.Count << Page.Shift))
            .Select(s => s.X + s.W * ((va - s.Va) / (double)((ulong)s.Pages.Count << Page.Shift))).First();

        bool Outside(FixmapSlot s) => s.Va.Value >= f.FixaddrTop.Value || s.Va.Value < f.FixaddrStart.Value;
        bool IsPmap(int i) => i >= f.FixPmapBegin && i <= f.FixPmapEnd;
        var offByOne = segments.Where(s => s.Wide && s.Slot is { } x && IsPmap(x.Index) && Outside(x)).Select(s => s.Slot!).ToList();

        // Above the ruler: the direction, FIXADDR_START/TOP and the PMAP bracket's name; below it: every other name.
        var (p0, p1) = (f.FixToVirt(f.FixPmapBegin).Value, f.FixToVirt(f.FixPmapEnd).Value);
        var (px0, px1) = (X(Math.Min(p0, p1)), X(Math.Max(p0, p1) + Page.Size));
        var up = f.Direction == SlotDirection.Up;
        var direction = up ? "slot numbers grow up: FIX(n) = FIXADDR_START + n pages →" : "← slot numbers grow down from FIXADDR_TOP";
        var above = new List<RulerLabel>
        {
            new($"FIXADDR_START {Hex.Format(f.FixaddrStart.Value)}", X(f.FixaddrStart.Value)),
            new($"FIXADDR_TOP {Hex.Format(f.FixaddrTop.Value)}", X(f.FixaddrTop.Value), offByOne.Count > 0 ? 11 : 10, offByOne.Count > 0),
            new($"PMAP {f.FixPmapBegin}..{f.FixPmapEnd} (NUM_FIX_PMAP {f.NumFixPmap})", (px0 + px1) / 2),
        };
        var below = new List<RulerLabel>();
        foreach (var s in segments)
        {
            var mid = s.X + s.W / 2;
            if (!s.Wide) below.Add(new(BlockName(f, s), mid));
            else if (s.Slot is { } slot && Outside(slot))
                below.Add(IsPmap(slot.Index)
                    ? new($"slot {slot.Index} is PMAP but not below FIXADDR_TOP: pmap_unmap → virt_to_fix BUG_ON", mid, 11, Alarm: true)
                    : new($"{slot.Name} ({slot.Index}): outside [FIXADDR_START, FIXADDR_TOP)", mid));
            else if (s.Slot is { } n && !IsPmap(n.Index)) below.Add(new($"{n.Name} ({n.Index})", mid));
        }
        var top = LabelRows.Place(above, width);
        var bottom = LabelRows.Place(below, width);
        // The direction is a line of its own above every other label.
        var topRows = (top.Count == 0 ? 0 : top.Max(p => p.Row) + 1) + 1;
        var rulerTop = 8 + topRows * RowHeight + 14;
        var rulerBottom = rulerTop + RulerHeight;
        var height = rulerBottom + 10 + (bottom.Count == 0 ? 0 : bottom.Max(p => p.Row) + 1) * RowHeight + 6;

        var g = Group(Text(up ? Margin : rulerEnd, 18, direction, up ? "start" : "end", 10, new XAttribute("class", "label")));
        foreach (var s in segments) g.Add(Cell(model, s, rulerTop, Outside, IsPmap));
        g.Add(Rect(px0, rulerTop - 8, px1 - px0, 5, "#2e8b2e", $"PMAP: slots {f.FixPmapBegin}..{f.FixPmapEnd} (NUM_FIX_PMAP {f.NumFixPmap})",
            Data("pmap-range", "1")));
        g.Add(Marker(X(f.FixaddrStart.Value), "FIXADDR_START", 8 + topRows * RowHeight, rulerBottom, alarm: false));
        g.Add(Marker(X(f.FixaddrTop.Value), "FIXADDR_TOP", 8 + topRows * RowHeight, rulerBottom, alarm: offByOne.Count > 0));
        // Rows above count upwards from the ruler; rows below downwards.
        foreach (var p in top) g.Add(Label(p, rulerTop - 14 - p.Row * RowHeight, rulerTop - 8, above: true));
        foreach (var p in bottom) g.Add(Label(p, rulerBottom + 10 + (p.Row + 1) * RowHeight - 4, rulerBottom, above: false));
        var label = $"{model.Name} {model.Profile} fixmap: {slotsTotal} slots, PMAP {f.FixPmapBegin}..{f.FixPmapEnd}" +
                    (offByOne.Count > 0 ? $", slot {offByOne[0].Index} outside FIXADDR_TOP" : "");
        return Root(width, height, label, Hatch(), Data("arch", model.Name), Data("slots", slotsTotal), Data("ruler", "1"),
            offByOne.Count > 0 ? Data("off-by-one", offByOne[0].Index) : null, g);
    }

    /// <summary>The pages from the lowest VA to the highest, each slot or gap, grouped into wide cells and condensed blocks.</summary>
    private static List<Segment> Segments(ArchModel model)
    {
        var f = model.Fixmap;
        var slots = FixmapSlots.Of(model).OrderBy(s => s.Va.Value).ToList();
        var lo = Math.Min(f.FixaddrStart.Value, slots[0].Va.Value);
        var hi = Math.Max(f.FixaddrTop.Value, slots[^1].Va.Value + Page.Size);
        bool Wide(FixmapSlot s) => (s.Index >= f.FixPmapBegin - 2 && s.Index <= f.FixPmapEnd + 2)
                                   || s.Va.Value >= f.FixaddrTop.Value || s.Va.Value < f.FixaddrStart.Value;
        string Key(FixmapSlot? s) => s is null ? "" : f.Ranges.FirstOrDefault(r => s.Index >= r.First && s.Index <= r.Last)?.Name ?? s.Name;
        var segments = new List<Segment>();
        var va = lo;
        var next = 0;
        while (va < hi)
        {
            var slot = next < slots.Count && slots[next].Va.Value == va ? slots[next++] : null;
            var last = segments.Count > 0 ? segments[^1] : null;
            if (slot is not null && Wide(slot)) segments.Add(new([slot], va, true));
            else if (last is { Wide: false } && Key(last.Slot) == Key(slot) && (last.Slot is null) == (slot is null)) last.Pages.Add(slot);
            else segments.Add(new([slot], va, false));
            va += Page.Size;
        }
        return segments;
    }

    /// <summary>Condensed blocks 10 + 5·log2(n + 1) wide; the wide cells share what is left of the picture.</summary>
    private static void Fit(List<Segment> segments)
    {
        foreach (var s in segments.Where(s => !s.Wide)) s.W = 10 + 5 * Math.Log2(s.Pages.Count + 1);
        var wide = segments.Count(s => s.Wide);
        var room = Width - 2 * Margin - segments.Where(s => !s.Wide).Sum(s => s.W);
        var cell = wide == 0 ? BigMax : Math.Clamp(room / wide, BigMin, BigMax);
        var x = Margin;
        foreach (var s in segments)
        {
            if (s.Wide) s.W = cell;
            s.X = x;
            x += s.W;
        }
    }

    private static string BlockName(FixmapLayout f, Segment s)
    {
        if (s.Slot is null) return $"no slot ({s.Pages.Count} page{(s.Pages.Count == 1 ? "" : "s")})";
        var idx = s.Pages.Select(p => p!.Index).ToList();
        var (a, b) = (idx.Min(), idx.Max());
        var range = f.Ranges.FirstOrDefault(r => a >= r.First && a <= r.Last);
        return a == b ? $"{s.Slot.Name} ({a})" : $"{range?.Name ?? s.Slot.Name} ({a}..{b})";
    }

    private static XElement Cell(ArchModel model, Segment s, double top, Func<FixmapSlot, bool> outside, Func<int, bool> isPmap)
    {
        var f = model.Fixmap;
        if (s.Slot is null)
        {
            var gap = $"no slot: {s.Pages.Count} page(s) at {Hex.Format(s.Va)}, inside the fixmap's VA range but no index maps there";
            return Group(Data("decode", gap), Data("gap", s.Pages.Count), Rect(s.X, top, s.W, RulerHeight, "url(#pmap-hatch-grey)", gap));
        }
        if (s.Wide)
        {
            var slot = s.Slot;
            var (pmap, off) = (isPmap(slot.Index), outside(slot));
            var fill = off ? (pmap ? "url(#pmap-hatch-red)" : "url(#pmap-hatch-grey)") : pmap ? "#9fd89f" : Fill(f, slot.Index);
            var decode = $"slot {slot.Index} {slot.Name}\nVA {Hex.Format(slot.Va.Value)}\n" +
                         (slot.Table is null ? "no static leaf entry (set_fixmap allocates one)" : $"entry {slot.Table}[{slot.Entry}]") +
                         (off ? "\noutside [FIXADDR_START, FIXADDR_TOP): virt_to_fix's BUG_ON fires for this address" : "") +
                         (pmap ? $"\nPMAP slot {slot.Index - f.FixPmapBegin} of {f.NumFixPmap}" : "");
            var index = $"{slot.Index}";
            return Group(Data("slot", slot.Index), Data("name", slot.Name), Data("decode", decode), pmap ? Data("pmap", "1") : null,
                off ? Data("outside", "1") : null,
                Rect(s.X, top, s.W, RulerHeight, fill, decode),
                LabelRows.WidthOf(index, 10) <= s.W - 2 ? Text(s.X + s.W / 2, top + RulerHeight / 2 + 4, index, "middle", 10) : null);
        }
        var idx = s.Pages.Select(p => p!.Index).ToList();
        var text = $"slots {idx.Min()}..{idx.Max()}: {BlockName(f, s)}\nVA {Hex.Format(s.Va)}..{Hex.Format(s.Va + ((ulong)s.Pages.Count << Page.Shift) - 1)}" +
                   $"\n{s.Pages.Count} slot(s), drawn condensed";
        return Group(Data("slots", $"{idx.Min()}..{idx.Max()}"), Data("count", s.Pages.Count), Data("decode", text),
            Rect(s.X, top, s.W, RulerHeight, Fill(f, idx[0]), text));
    }

    private static string Fill(FixmapLayout f, int index)
    {
        var r = f.Ranges.Select((r, i) => (r, i)).FirstOrDefault(p => index >= p.r.First && index <= p.r.Last);
        return r.r is null ? "#eeeeee" : Palette[r.i % Palette.Length];
    }

    private static XElement Marker(double x, string name, double from, double to, bool alarm) => Group(Data("marker", name),
        alarm ? Data("alarm", "1") : null,
        Line(x, from, x, to + 6, alarm ? "#c0392b" : "#a03030", alarm ? 3.5 : 1.5, alarm ? null : "4,2"));

    private static XElement Label(PlacedLabel p, double baseline, double rulerEdge, bool above)
    {
        var l = p.Label;
        var colour = l.Alarm ? "#c0392b" : "#223";
        // The leader runs from the ruler's edge to the label's box.
        var leaderEnd = above ? baseline + 3 : baseline - l.Size;
        return Group(Data("label", l.Text), l.Alarm ? Data("alarm", "1") : null,
            Line(l.Anchor, rulerEdge, l.Anchor, leaderEnd, l.Alarm ? "#c0392b" : "#99a", l.Alarm ? 1.5 : 0.8),
            Text(p.Left, baseline, l.Text, "start", l.Size, new XAttribute("fill", colour), new XAttribute("class", "label"),
                l.Alarm ? new XAttribute("font-weight", "bold") : null));
    }

    private static XElement Hatch() => new(Ns + "defs", Pattern("pmap-hatch-red", "#f5b7b1", "#c0392b"), Pattern("pmap-hatch-grey", "#f2f2f2", "#b0b0b8"));

    private static XElement Pattern(string id, string back, string stripe) => new(Ns + "pattern", new XAttribute("id", id),
        new XAttribute("patternUnits", "userSpaceOnUse"), new XAttribute("width", "6"), new XAttribute("height", "6"),
        new XAttribute("patternTransform", "rotate(45)"),
        new XElement(Ns + "rect", new XAttribute("width", "6"), new XAttribute("height", "6"), new XAttribute("fill", back)),
        new XElement(Ns + "line", new XAttribute("x1", "0"), new XAttribute("y1", "0"), new XAttribute("x2", "0"), new XAttribute("y2", "6"),
            new XAttribute("stroke", stripe), new XAttribute("stroke-width", "3")));
}
