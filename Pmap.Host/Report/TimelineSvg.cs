using System.Xml.Linq;
using Pmap.Core;
using Pmap.Core.Machine;
using Pmap.Core.Scenarios;
using static Pmap.Host.Report.Svg;

namespace Pmap.Host.Report;

/// <summary>
/// pmap_map then pmap_unmap as a timeline: every store, barrier, TLB operation and check, in program order; each hazard in red at the
/// event it happened at (a step a rule wants drawn where it is missing, with the rule; a walk of an unsynchronised entry where it walked).
/// </summary>
public static class TimelineSvg
{
    /// <param name="decode">What a click on an event shows (the report's decode panel); none for a picture alone.</param>
    public static XElement Draw(string arch, IReadOnlyList<PmapStep> steps, Func<TraceEvent, string>? decode = null)
    {
        const double row = 22, left = 10;
        var g = Group();
        var y = 10.0;
        var count = 0;
        var hazards = 0;
        foreach (var step in steps)
        {
            var head = step.Op == "map"
                ? $"pmap_map({(step.Mfn is { } m ? Hex.Format(m.Value) : "?")})"
                : $"pmap_unmap({(step.Va is { } v ? Hex.Format(v.Value) : "?")})";
            g.Add(Text(left, y + 14, $"{head}  slot {step.Slot}", "start", 12, new XAttribute("font-weight", "bold")));
            y += row;
            foreach (var e in step.Events.Where(e => e.Kind is not (TraceKind.Map or TraceKind.Unmap)))
            {
                var kind = TraceEvent.KindName(e.Kind);
                var hazard = e.Kind is TraceKind.Hazard or TraceKind.Missing;
                g.Add(Group(Data("event", kind), Data("index", count), hazard ? Data("hazard", e.Rule ?? kind) : null,
                    decode is null ? null : Data("decode", decode(e)),
                    Line(left + 8, y - 8, left + 8, y + row - 8, "#aab"),
                    Rect(left + 20, y, 120, row - 4, Colour(kind), kind),
                    Text(left + 80, y + 13, kind, "middle", 10, hazard ? new XAttribute("fill", "#ffffff") : null),
                    Text(left + 150, y + 13, Describe(e), "start", 10)));
                y += row;
                count++;
                if (hazard) hazards++;
            }
            y += 6;
        }
        return Root(1150, y + 6, $"{arch}: pmap_map and pmap_unmap, {count} events", Data("arch", arch), Data("events", count),
            Data("hazards", hazards), g);
    }

    private static string Colour(string kind) => kind switch
    {
        "pte-write" => "#f5cba7",
        "barrier" => "#aed6f1",
        "tlb-flush" => "#d2b4de",
        "hazard" or "missing" => "#c0392b",
        _ => "#e5e8e8",
    };

    private static string Describe(TraceEvent e)
    {
        var parts = new List<string>();
        if (e.Kind == TraceKind.Missing) return $"<missing: {e.Op}>  {e.Rule}: {e.Detail}";
        if (e.Op is { } op) parts.Add(op);
        if (e.Table is { } t) parts.Add(e.Entry is { } i ? $"{t}[{i}]" : t);
        if (e.Old is { } o) parts.Add($"{Hex.Format(o)} -> {Hex.Format(e.New ?? 0)}");
        else if (e.New is { } n) parts.Add(Hex.Format(n));
        if (e.Va is { } va) parts.Add("va " + Hex.Format(va.Value));
        if (e.Mfn is { } mfn) parts.Add("mfn " + Hex.Format(mfn.Value));
        if (e.Detail is { } d) parts.Add(d.Length > 150 ? d[..150] + "…" : d);
        return string.Join("  ", parts);
    }
}
