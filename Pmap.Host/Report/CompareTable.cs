using Pmap.Host.Views;
using static Pmap.Host.Report.ReportPage;

namespace Pmap.Host.Report;

/// <summary>
/// `pmap compare`'s rows, under the names `compare` prints, as an HTML table; the first column (the first architecture asked
/// for, as in `compare`) is the baseline and a cell that differs from it is highlighted.
/// </summary>
public static class CompareTable
{
    public static void Write(TextWriter w, IReadOnlyList<CompareArchDto> archs)
    {
        if (archs.Count == 0)
        {
            w.WriteLine("<p>No architecture completed pmap_map.</p>");
            return;
        }
        w.WriteLine($"<p>Baseline: the first column, {H(archs[0].Arch)} {H(archs[0].Profile)}. " +
                    "<span class=\"diff\">Highlighted and marked *</span>: a value that differs from it.</p>");
        w.WriteLine("<div class=\"wide\"><table data-compare=\"1\"><tr><th></th>");
        for (var i = 0; i < archs.Count; i++)
            w.Write($"<th{(i == 0 ? " data-baseline=\"1\"" : "")}>{H(archs[i].Arch)}<br>{H(archs[i].Profile)}{(i == 0 ? "<br>(baseline)" : "")}</th>");
        w.WriteLine("</tr>");
        foreach (var (name, value) in CompareView.Rows)
        {
            var first = value(archs[0]);
            w.Write($"<tr><th>{H(name)}</th>");
            foreach (var a in archs)
            {
                var v = value(a);
                w.Write(v == first ? $"<td>{H(v)}</td>" : $"<td class=\"diff\" data-diff=\"1\">{H(v)} *</td>");
            }
            w.WriteLine("</tr>");
        }
        w.WriteLine("</table></div>");
    }
}
