using System.CommandLine;
using System.CommandLine.Parsing;
using Pmap.Core;
using Pmap.Host.Commands;
using Pmap.Hosting;

namespace Pmap.Host;

/// <summary>The options every command has, declared once.</summary>
public sealed class GlobalOptionSet
{
    public Option<string?> Arch { get; } = new("--arch") { Description = "Architecture name (default: configuration key Architecture)", Recursive = true };
    public Option<string?> Profile { get; } = new("--profile")
    {
        Description = "Profile of the architecture (e.g. xen-4.18.4, xen-4.17 for the newest 4.17.z, seed-v3, upstream)",
        Recursive = true,
    };
    public Option<string?> Plugins { get; } = new("--plugins") { Description = "Plugins folder (default: plugins/ beside the binary)", Recursive = true };
    public Option<string?> Config { get; } = new("--config") { Description = "Extra JSON configuration file, read after appsettings.json", Recursive = true };
    public Option<bool> Json { get; } = new("--json") { Description = "Machine output: one JSON document on stdout", Recursive = true };
    public Option<string?> NumFixPmap { get; } = new("--num-fix-pmap") { Description = "NUM_FIX_PMAP: number of PMAP slots (default 8)", Recursive = true };
    public Option<bool> Release { get; } = new("--release") { Description = "Model a release build of Xen: ASSERTs are not evaluated", Recursive = true };

    public Option<string> Color { get; } = new("--color")
    {
        Description = "Colour in human output: auto (on a terminal, unless NO_COLOR is set), always or never",
        Recursive = true,
        DefaultValueFactory = _ => "auto",
    };

    public IEnumerable<Option> All => [Arch, Profile, Plugins, Config, Json, NumFixPmap, Release, Color];

    public GlobalOptions Read(ParseResult p)
    {
        int? num = null;
        if (p.GetValue(NumFixPmap) is { } text)
        {
            if (!int.TryParse(text, out var n) || n < 1) throw new PmapUsageException($"--num-fix-pmap '{text}' is not valid: expected a whole number from 1");
            num = n;
        }
        var color = p.GetValue(Color) ?? "auto";
        if (!Terminal.ColorModes.Contains(color)) throw new PmapUsageException($"--color '{color}' is not valid: expected auto, always or never");
        return new GlobalOptions(p.GetValue(Arch), p.GetValue(Profile), p.GetValue(Plugins), p.GetValue(Config), p.GetValue(Json), num, p.GetValue(Release))
        {
            Color = color,
        };
    }
}

/// <summary>The pmap command line. Thin: parse, resolve the architecture, call Core, render.</summary>
public static class PmapApp
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var g = new GlobalOptionSet();
        var root = new RootCommand("pmap: an executable model of Xen's boot-time Persistent Map (xen/common/pmap.c) on pluggable architectures.");
        foreach (var o in g.All) root.Options.Add(o);
        var io = new CommandIo(stdout, stderr, g);
        foreach (var c in Commands(io)) root.Subcommands.Add(c);

        // Response files (@file) stay off: an argument is what it says, never a file's first line.
        var parse = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (args.Contains("--json") && args.Any(a => a is "--help" or "-h" or "-?"))
            return io.Fail(ExitCodes.Usage, "usage", "--help has no JSON form: run it without --json", json: true);
        if (SwallowedOption(parse.RootCommandResult) is { } swallowed)
            return io.Fail(ExitCodes.Usage, "usage", swallowed, args.Contains("--json"));
        if (parse.Errors.Count > 0)
        {
            var json = args.Contains("--json");
            // An unrecognised word says more than "required command was not provided".
            var error = parse.Errors.FirstOrDefault(e => e.Message.StartsWith("Unrecognized", StringComparison.Ordinal)) ?? parse.Errors[0];
            return io.Fail(ExitCodes.Usage, "usage", error.Message + " (see pmap --help)", json);
        }
        return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
    }

    /// <summary>An option that took the next option as its value (`--mfn --json`): a missing value, not a frame called "--json".</summary>
    private static string? SwallowedOption(CommandResult result)
    {
        foreach (var child in result.Children)
        {
            if (child is OptionResult o && o.Tokens.FirstOrDefault(t => t.Value.StartsWith("--", StringComparison.Ordinal)) is { } token)
                return $"{o.Option.Name} needs a value, but the next word is the option {Hex.Echo(token.Value)} (see pmap --help)";
            if (child is CommandResult sub && SwallowedOption(sub) is { } inner) return inner;
        }
        return null;
    }

    private static IEnumerable<Command> Commands(CommandIo io) =>
    [
        ArchCommands.Build(io),
        LayoutCommand.Build(io),
        VersionsCommand.Build(io),
        MapCommand.Build(io),
        DecodeCommand.Build(io),
        TranslateCommand.Build(io),
        CompareCommand.Build(io),
        BootCommand.Build(io),
        VerifyCommand.Build(io),
        DumpCommand.Build(io),
        ReportCommand.Build(io),
        ConfigCommand.Build(io),
        BenchCommand.Build(io),
        ConformanceCommand.Build(io),
        FuzzCommand.Build(io),
        HazardsCommand.Build(io),
    ];
}

/// <summary>Writers and the shared error handling every command action goes through.</summary>
public sealed class CommandIo(TextWriter stdout, TextWriter stderr, GlobalOptionSet global)
{
    public TextWriter Out { get; } = stdout;
    public TextWriter Err { get; } = stderr;
    public GlobalOptionSet Global { get; } = global;

    /// <summary>Runs a command body with the documented exit codes; no exception reaches the user as a trace.</summary>
    public int Execute(ParseResult p, Func<CommandContext, int> body)
    {
        var json = p.GetValue(Global.Json);
        try
        {
            return body(new CommandContext(this, Global.Read(p)));
        }
        catch (XenCrashException e)
        {
            foreach (var line in XenConsole.Lines(e)) Err.WriteLine(line);
            Err.WriteLine("pmap: " + e.Message);
            if (json) Json.Write(Out, new { error = ErrorDto.Of(e) });
            return ExitCodes.XenCrash;
        }
        catch (Exception e) when (e is PmapUsageException or FormatException or OverflowException)
        {
            return Fail(ExitCodes.Usage, "usage", e.Message, json);
        }
        catch (PmapConfigurationException e)
        {
            return Fail(ExitCodes.PluginOrConfig, "config", e.Message, json);
        }
        catch (PluginFolderException e)
        {
            return Fail(ExitCodes.PluginOrConfig, "plugin", e.Message, json);
        }
        catch (Exception e)
        {
            return Fail(ExitCodes.PluginOrConfig, "plugin", $"internal error in a plugin or the model: {e.GetType().Name}: {e.Message}", json);
        }
    }

    /// <summary>One line on stderr; with --json also the error document on stdout.</summary>
    public int Fail(int code, string kind, string message, bool json, string? where = null, string? human = null)
    {
        Err.WriteLine("pmap: " + (human ?? message));
        if (json) Json.Write(Out, new { error = new ErrorDto(kind, message, where) });
        return code;
    }

    /// <summary>Reports plugin failures on stderr, one line each.</summary>
    public void ReportPluginFailures(PluginCatalog catalog)
    {
        foreach (var f in catalog.Failures) Err.WriteLine($"pmap: plugin {f.Path}: {f.Error}");
    }
}
