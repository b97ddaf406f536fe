using System.CommandLine;
using System.Xml.Linq;
using Pmap.Core;

namespace Pmap.Host.Report;

/// <summary>--format text|svg|dot: the picture a command can draw instead of its table (docs/CLI.md).</summary>
public static class Formats
{
    public static Option<string> Option(bool dot) => new("--format")
    {
        Description = dot ? "Output: text (default), svg (the picture alone) or dot (Graphviz)" : "Output: text (default) or svg (the picture alone)",
        DefaultValueFactory = _ => "text",
    };

    /// <summary>The chosen format, checked: "text", "svg" or (where the command has one) "dot".</summary>
    public static string Read(ParseResult p, Option<string> option, bool dot, bool json)
    {
        var f = p.GetValue(option) ?? "text";
        if (f is not ("text" or "svg") && !(dot && f == "dot"))
            throw new PmapUsageException($"--format '{f}' is not an output format{Spelling.Hint(f, dot ? ["text", "svg", "dot"] : ["text", "svg"])}: "
                + $"expected text or svg{(dot ? " or dot" : "")}");
        if (json && f != "text") throw new PmapUsageException($"--format {f} and --json both choose the output: give one");
        return f;
    }

    public static int WriteSvg(TextWriter w, XElement svg)
    {
        w.WriteLine("<?xml version=\"1.0\" encoding=\"utf-8\"?>");
        w.WriteLine(Svg.Serialize(svg));
        return ExitCodes.Success;
    }
}
