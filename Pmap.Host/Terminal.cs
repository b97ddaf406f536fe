using System.Globalization;
using Pmap.Core;
using Spectre.Console;

namespace Pmap.Host;

/// <summary>
/// Spectre console over a writer. Colour: --color always|never, else (auto) only on a terminal and never with NO_COLOR.
/// Width: COLUMNS when set, else the terminal's; pipes and files get 200 so tables are not squashed to 80 columns.
/// </summary>
public static class Terminal
{
    public static readonly string[] ColorModes = ["auto", "always", "never"];

    /// <summary>The narrowest console human output is laid out for.</summary>
    public const int MinWidth = 80;

    public static IAnsiConsole Create(TextWriter writer, string color = "auto")
    {
        var isConsole = (ReferenceEquals(writer, Console.Out) || writer is GuardedWriter { IsStdout: true }) && !Console.IsOutputRedirected;
        var colour = color switch
        {
            "always" => true,
            "never" => false,
            _ => isConsole && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR")),
        };
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = colour ? AnsiSupport.Yes : AnsiSupport.No,
            ColorSystem = colour ? ColorSystemSupport.Standard : ColorSystemSupport.NoColors,
            // Spectre pads cells to their width: no line pmap prints ends in blanks.
            Out = new AnsiConsoleOutput(new TrailingBlankWriter(writer)),
            Interactive = InteractionSupport.No,
            // Spectre's CI enrichers (GitHub Actions, Azure Pipelines, ...) would turn ANSI on under --color never or in a pipe:
            // colour is pmap's decision alone, so output is the same in CI as anywhere else.
            Enrichment = new ProfileEnrichment { UseDefaultEnrichers = false },
        });
        if (Columns() is { } columns) console.Profile.Width = columns;
        else if (!isConsole) console.Profile.Width = 200;
        else console.Profile.Width = Console.WindowWidth; // Spectre knows only Console.Out, and sees a wrapper
        // Below 80 columns a hex number or a name would have to be cut, which docs/CLI.md §4 promises never happens: refuse.
        if (console.Profile.Width < MinWidth)
            throw new PmapUsageException($"the console is {console.Profile.Width} columns wide; pmap's human output needs {MinWidth} "
                + "so that no name or number is cut: widen it, set COLUMNS=80, or use --json");
        return console;
    }

    /// <summary>Whether the console shows colour (a legend that names a colour is printed only then).</summary>
    public static bool ShowsColor(IAnsiConsole console) => console.Profile.Capabilities.ColorSystem != ColorSystem.NoColors;

    /// <summary>COLUMNS, when set to a usable width (40 or more).</summary>
    public static int? Columns() =>
        int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 40 ? n : null;
}
