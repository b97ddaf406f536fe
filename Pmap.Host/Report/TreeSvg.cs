using System.Xml.Linq;
using Pmap.Core;
using Pmap.Core.Scenarios;
using static Pmap.Host.Report.Svg;

namespace Pmap.Host.Report;

/// <summary>The page-table tree after a scenario: table pages as boxes indented by depth, mappings as bars sized by span.</summary>
public static class TreeSvg
{
    public static XElement Draw(AddressSpace space)
    {
        var f = space.Model.Format;
        var tables = space.Tables().ToList();
        var ranges = space.Ranges().ToList();
        const double row = 24;
        var g = Group();
        var y = 20.0;
        g.Add(Text(10, 14, "table pages (entries in use of 512)", "start", 11, new XAttribute("font-weight", "bold")));
        foreach (var t in tables)
        {
            var depth = Math.Abs(t.Level - f.RootLevel);
            var x = 10 + depth * 28;
            if (depth > 0) g.Add(Line(x - 14, y - 6, x - 14, y + 9, "#889"), Line(x - 14, y + 9, x, y + 9, "#889"));
            g.Add(Group(Data("table", t.Name), Data("level", t.Level),
                Rect(x, y, 300, row - 6, "#e8eef8", $"{t.Name} at {Hex.Format(t.Address.Value)}, first VA {Hex.Format(t.FirstVa.Value)}"),
                Rect(x + 300 - 60, y + 4, 56 * t.EntriesInUse / 512.0, row - 14, "#5b8bd0"),
                Text(x + 5, y + 13, $"{t.Name}  L{t.Level}  {t.EntriesInUse}/512")));
            y += row;
        }
        var top = 20.0;
        const double bx = 470;
        g.Add(Text(bx, 14, "mappings (bar length: log2 of the span)", "start", 11, new XAttribute("font-weight", "bold")));
        foreach (var r in ranges)
        {
            var len = 12 + 14 * Math.Log2(r.Size / (double)Page.Size);
            var fill = r.Region.StartsWith("directmap", StringComparison.Ordinal) ? "#f0b27a"
                : r.Region.Contains("PMAP", StringComparison.Ordinal) ? "#9fd89f" : "#b7a6e0";
            g.Add(Group(Data("range", Hex.Format(r.Va.Value)), Data("region", r.Region),
                Rect(bx, top, len, row - 6, fill,
                    $"{Hex.Format(r.Va.Value)}..{Hex.Format(r.VaEnd.Value)} -> {Hex.Format(r.Pa.Value)}: {r.Leaves} x {Hex.FormatSize(r.LeafSize)}"),
                Text(bx + len + 6, top + 13,
                    $"{r.Region}: {Hex.Format(r.Va.Value)} {Hex.FormatSize(r.Size)} as {r.Leaves} x {Hex.FormatSize(r.LeafSize)}")));
            top += row;
        }
        var label = $"{space.Model.Name} {space.Model.Profile} page tables after boot: {tables.Count} tables, {ranges.Count} ranges";
        return Root(1150, Math.Max(y, top) + 10, label, Data("arch", space.Model.Name), Data("tables", tables.Count), g);
    }

    /// <summary>The same tree for Graphviz: one node per table page, edges from each table to the tables its entries point to.</summary>
    public static string Dot(AddressSpace space)
    {
        var f = space.Model.Format;
        var w = new System.Text.StringBuilder();
        w.AppendLine("digraph pagetables {").AppendLine("  node [shape=box, fontname=monospace];");
        var parents = new Stack<(int Depth, string Id)>();
        var i = 0;
        foreach (var t in space.Tables())
        {
            var id = "t" + i++;
            var depth = Math.Abs(t.Level - f.RootLevel);
            w.AppendLine($"  {id} [label=\"{Quote(t.Name)}\\nL{t.Level} {t.EntriesInUse}/512\"];");
            while (parents.Count > 0 && parents.Peek().Depth >= depth) parents.Pop();
            if (parents.Count > 0) w.AppendLine($"  {parents.Peek().Id} -> {id};");
            parents.Push((depth, id));
        }
        return w.AppendLine("}").ToString();
    }

    private static string Quote(string s) => s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
}
