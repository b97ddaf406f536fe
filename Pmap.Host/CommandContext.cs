using Pmap.Core.Arch;
using Pmap.Hosting;
using Spectre.Console;

namespace Pmap.Host;

/// <summary>
/// What every command starts from, written once: the global options, the configuration and plugins (loaded on
/// first use, their failures reported once on stderr), the configured model, and one way to print a result.
/// </summary>
public sealed class CommandContext(CommandIo io, GlobalOptions global, bool oneArchitecture = false, bool everyProfile = false)
{
    private CliContext? _cli;
    private readonly HashSet<string> _notes = [];

    public CommandIo Io => io;
    public GlobalOptions Global => global;

    /// <summary>Configuration and plugins; plugin failures go to stderr unless <paramref name="quiet"/>.</summary>
    public CliContext Cli
    {
        get
        {
            if (_cli is not null) return _cli;
            _cli = CliContext.Create(global, oneArchitecture: oneArchitecture, everyProfile: everyProfile);
            io.ReportPluginFailures(_cli.Registry.Catalog);
            foreach (var w in _cli.Warnings) Note("warning: " + w);
            return _cli;
        }
    }

    public ArchitectureRegistry Registry => Cli.Registry;

    /// <summary>A line on stderr that is not an error (a number read as decimal, an old spelling), each said once.</summary>
    public void Note(string line)
    {
        if (_notes.Add(line)) io.Err.WriteLine("pmap: " + io.Line(line));
    }

    /// <summary>
    /// The model --arch/--profile (or configuration) ask for; without either, the release the build examined (--xen-image,
    /// --xen-syms) says it is. A named profile the build disagrees with is kept, with a warning on stderr.
    /// </summary>
    public ArchModel Model(string? arch = null, string? xenSyms = null, string? xenImage = null, PhysAddr? xenLoadAddress = null) =>
        Registry.Create(global.Request(arch) with { SymbolsFile = xenSyms, XenImage = xenImage, XenLoadAddress = xenLoadAddress }, Note);

    /// <summary>The result as JSON with --json, else rendered for a person; exit code <paramref name="exitCode"/>.</summary>
    public int Show<T>(T dto, Action<IAnsiConsole, T> render, int exitCode = ExitCodes.Success) where T : notnull
    {
        if (global.Json) Json.Write(io.Out, dto);
        else render(Terminal.Create(io.Out, global.Color), dto);
        return exitCode;
    }
}
