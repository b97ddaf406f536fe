using System.Globalization;
using System.Xml.Linq;

namespace Pmap.Host.Report;

/// <summary>SVG built as XML elements, so every text and attribute is escaped by construction and the result parses.</summary>
public static class Svg
{
    public static readonly XNamespace Ns = "http://www.w3.org/2000/svg";

    /// <summary>Monospace, so a label's width is its length times <see cref="LabelRows.CharWidth"/> (the ruler's layout relies on it).</summary>
    public const string MonospaceFonts = "DejaVu Sans Mono, Liberation Mono, Menlo, Consolas, monospace";

    public static XElement Root(double width, double height, string label, params object?[] content) =>
        new(Ns + "svg", new XAttribute("width", N(width)), new XAttribute("height", N(height)),
            new XAttribute("viewBox", $"0 0 {N(width)} {N(height)}"), new XAttribute("role", "img"), new XAttribute("aria-label", label),
            new XAttribute("font-family", MonospaceFonts),
            new XElement(Ns + "title", label), content);

    public static XElement Rect(double x, double y, double w, double h, string fill, string? title = null, params object?[] extra) =>
        new(Ns + "rect", Xy(x, y), new XAttribute("width", N(w)), new XAttribute("height", N(h)), new XAttribute("fill", fill),
            new XAttribute("stroke", "#334"), new XAttribute("stroke-width", "0.5"), title is null ? null : new XElement(Ns + "title", title), extra);

    public static XElement Text(double x, double y, string text, string anchor = "start", double size = 11, params object?[] extra) =>
        new(Ns + "text", Xy(x, y), new XAttribute("font-size", N(size)), new XAttribute("text-anchor", anchor), extra, text);

    public static XElement Line(double x1, double y1, double x2, double y2, string stroke, double width = 1, string? dash = null) =>
        new(Ns + "line", new XAttribute("x1", N(x1)), new XAttribute("y1", N(y1)), new XAttribute("x2", N(x2)), new XAttribute("y2", N(y2)),
            new XAttribute("stroke", stroke), new XAttribute("stroke-width", N(width)),
            dash is null ? null : new XAttribute("stroke-dasharray", dash));

    public static XElement Group(params object?[] content) => new(Ns + "g", content);

    public static XAttribute Data(string name, object value) => new("data-" + name, Convert.ToString(value, CultureInfo.InvariantCulture) ?? "");

    /// <summary>An arrow head marker definition, referenced as url(#arrow).</summary>
    public static XElement ArrowDefs() => new(Ns + "defs",
        new XElement(Ns + "marker", new XAttribute("id", "arrow"), new XAttribute("viewBox", "0 0 10 10"), new XAttribute("refX", "9"),
            new XAttribute("refY", "5"), new XAttribute("markerWidth", "8"), new XAttribute("markerHeight", "8"), new XAttribute("orient", "auto"),
            new XElement(Ns + "path", new XAttribute("d", "M0,0 L10,5 L0,10 z"), new XAttribute("fill", "#334"))));

    public static string N(double v) => Math.Round(v, 2).ToString(CultureInfo.InvariantCulture);

    /// <summary>The element as text for a file or inline in HTML.</summary>
    public static string Serialize(XElement svg) => svg.ToString(SaveOptions.DisableFormatting);

    private static XAttribute[] Xy(double x, double y) => [new("x", N(x)), new("y", N(y))];
}
