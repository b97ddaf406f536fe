using Pmap.Host.Views;
using static Pmap.Host.Report.ReportPage;

namespace Pmap.Host.Report;

/// <summary>`pmap compare`'s data as an HTML table; a cell that differs from the first column is highlighted.</summary>
public static class CompareTable
{
    private static readonly (string Name, Func<CompareArchDto, string> Value)[] Rows =
    [
        ("levels", a => $"{a.Levels}"),
        ("VA / PA bits", a => $"{a.VaBits} / {a.PaBits}"),
        ("FIXMAP_ADDR(0)", a => a.FixmapBase),
        ("FIXADDR_START", a => a.FixaddrStart),
        ("FIXADDR_TOP", a => a.FixaddrTop),
        ("slots grow", a => a.SlotDirection),
        ("leaf table", a => a.LeafTable),
        ("PMAP slots", a => $"{a.PmapSlots[0].Slot}..{a.PmapSlots[^1].Slot}"),
        ("first PMAP VA", a => a.PmapSlots[0].Va),
        ("PTE written", a => a.Pte),
        ("arch_pmap_map", a => string.Join("; ", a.MapOps)),
        ("arch_pmap_unmap", a => string.Join("; ", a.UnmapOps)),
        ("flush on map", a => a.FlushOnMap ? "yes" : "no"),
        ("TLB caches invalid entries", a => a.CachesInvalidEntries ? "yes" : "no"),
        ("store", a => a.StoreOp),
        ("TLB flush on unmap", a => a.TlbFlushOp ?? "none"),
        ("pmap.c", a => a.PmapCode),
    ];

    public static void Write(TextWriter w, IReadOnlyList<CompareArchDto> archs)
    {
        if (archs.Count == 0)
        {
            w.WriteLine("<p>No architecture completed pmap_map.</p>");
            return;
        }
        w.WriteLine("<p>Highlighted: a value that differs from the first column.</p><table data-compare=\"1\"><tr><th></th>");
        foreach (var a in archs) w.Write($"<th>{H(a.Arch)}<br>{H(a.Profile)}</th>");
        w.WriteLine("</tr>");
        foreach (var (name, value) in Rows)
        {
            var first = value(archs[0]);
            w.Write($"<tr><th>{H(name)}</th>");
            foreach (var a in archs)
            {
                var v = value(a);
                w.Write(v == first ? $"<td>{H(v)}</td>" : $"<td class=\"diff\" data-diff=\"1\">{H(v)}</td>");
            }
            w.WriteLine("</tr>");
        }
        w.WriteLine("</table>");
    }
}
