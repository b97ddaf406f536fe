using Spectre.Console;

namespace Pmap.Host.Views;

/// <summary>
/// Prose lines that fit the console: wrapped between words, never inside one (a hex number or a name stays whole), each
/// continuation indented under the start of its text, as docs/CLI.md §4 promises.
/// </summary>
public static class Lines
{
    /// <summary>Writes <paramref name="parts"/> (text with an optional Spectre style each) from column <paramref name="indent"/>.</summary>
    public static void Write(IAnsiConsole c, int indent, int hang, params (string Text, string? Style)[] parts)
    {
        // A line that fits is written as it is, its own spacing (aligned columns) kept. Loops, not LINQ over the tuples: most
        // views print such a line first, and LINQ over a struct is JIT-compiled at start.
        var plain = new List<string>(parts.Length);
        var marked = new List<string>(parts.Length);
        foreach (var (text, style) in parts)
        {
            if (text.Length == 0) continue;
            plain.Add(text);
            marked.Add(style is { } s ? $"[{s}]{Markup.Escape(text)}[/]" : Markup.Escape(text));
        }
        if (indent + string.Join(" ", plain).Length <= c.Profile.Width)
        {
            c.MarkupLine(new string(' ', indent) + string.Join(" ", marked));
            return;
        }
        var words = parts.SelectMany(p => p.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => (Word: w, p.Style))).ToList();
        var width = c.Profile.Width;
        var line = new List<(string Word, string? Style)>();
        var used = indent;
        var first = true;
        foreach (var w in words)
        {
            if (line.Count > 0 && used + 1 + w.Word.Length > width)
            {
                Flush(c, line, first ? indent : indent + hang);
                first = false;
                line.Clear();
                used = indent + hang;
            }
            used += (line.Count > 0 ? 1 : 0) + w.Word.Length;
            line.Add(w);
        }
        if (line.Count > 0 || first) Flush(c, line, first ? indent : indent + hang);
    }

    /// <summary>One plain line, wrapped with continuations two columns further in.</summary>
    public static void Write(IAnsiConsole c, string text, int indent = 0, string? style = null) => Write(c, indent, 2, (text, style));

    private static void Flush(IAnsiConsole c, List<(string Word, string? Style)> line, int indent)
    {
        var markup = string.Join(" ", line.Select(w => w.Style is { } s ? $"[{s}]{Markup.Escape(w.Word)}[/]" : Markup.Escape(w.Word)));
        c.MarkupLine(new string(' ', indent) + markup);
    }
}
