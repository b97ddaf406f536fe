using System.Xml.Linq;
using Pmap.Core;
using static Pmap.Host.Report.Svg;

namespace Pmap.Host.Report;

/// <summary>A page-table entry as the architecture manuals draw it: bits 63..0 left to right, one box per field, its value under it.</summary>
public static class PteSvg
{
    public static XElement Draw(string arch, DecodedPte pte)
    {
        const double left = 10, top = 34, cell = 17, height = 40;
        double X(int bit) => left + (63 - bit) * cell;
        var g = Group();
        for (var b = 63; b >= 0; b -= 1)
            if (b % 4 == 0 || b == 63)
                g.Add(Text(X(b) + cell / 2, top - 4, b.ToString(System.Globalization.CultureInfo.InvariantCulture), "middle", 8));
        g.Add(Rect(left, top, 64 * cell, height, "#f4f4f4", "bits no field names"));
        var n = 0;
        foreach (var field in pte.Fields.OrderByDescending(x => x.High))
        {
            var w = (field.High - field.Low + 1) * cell;
            var fill = field.Value == 0 ? "#ffffff" : n++ % 2 == 0 ? "#d6e6fa" : "#fae3c8";
            var name = w >= field.Name.Length * 6.2 ? field.Name : Abbrev(field.Name, w);
            g.Add(Group(Data("field", field.Name), Data("bits", field.Bits),
                Data("decode", $"{field.Name} [{field.Bits}] = {Hex.Format(field.Value)}\n{field.Meaning}\nof {Hex.Format(pte.Raw)}"),
                Rect(X(field.High), top, w, height, fill, $"{field.Name} [{field.Bits}] = {Hex.Format(field.Value)}: {field.Meaning}"),
                Text(X(field.High) + w / 2, top + 16, name, "middle", 9),
                Text(X(field.High) + w / 2, top + 31, Hex.Format(field.Value).Length * 5 <= w ? Hex.Format(field.Value) : "…", "middle", 8,
                    new XAttribute("fill", "#335"))));
        }
        var label = $"{arch} {pte.Kind.JsonName()} entry {Hex.Format(pte.Raw)} at level {pte.Level}";
        return Root(left * 2 + 64 * cell, top + height + 10, label, Data("pte", Hex.Format(pte.Raw)), Data("fields", pte.Fields.Count), g);
    }

    /// <summary>Shortens a label to the characters its box has room for (the full text is in the box's tooltip).</summary>
    private static string Abbrev(string text, double width)
    {
        var fit = Math.Max(1, (int)(width / 6));
        return text.Length <= fit ? text : fit == 1 ? "…" : text[..(fit - 1)] + "…";
    }
}
