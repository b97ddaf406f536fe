using Spectre.Console;

namespace Pmap.Host;

/// <summary>Spectre console over a writer: colour only on a terminal and never with NO_COLOR.</summary>
public static class Terminal
{
    public static IAnsiConsole Create(TextWriter writer)
    {
        var isConsole = ReferenceEquals(writer, Console.Out) && !Console.IsOutputRedirected;
        var color = isConsole && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = color ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = color ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(writer),
            Interactive = InteractionSupport.No,
        });
        if (!isConsole) console.Profile.Width = 200; // pipes and files: do not squash tables to 80 columns
        return console;
    }
}
