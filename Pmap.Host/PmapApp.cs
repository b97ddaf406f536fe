using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using Pmap.Core;
using Pmap.Host.Commands;
using Pmap.Hosting;

namespace Pmap.Host;

/// <summary>The pmap command line. Thin: parse, resolve the architecture, call Core, render.</summary>
public static class PmapApp
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var g = new GlobalOptionSet();
        var root = new RootCommand("pmap: an executable model of Xen's boot-time Persistent Map (xen/common/pmap.c) on pluggable architectures.");
        foreach (var o in g.All) root.Options.Add(o);
        var io = new CommandIo(stdout, stderr, g) { Inputs = args };
        foreach (var c in Commands(io)) root.Subcommands.Add(c);
        // --help wraps at COLUMNS as the tables do (on a terminal without it, System.CommandLine takes the window's width).
        if (Terminal.Columns() is { } columns && root.Options.OfType<HelpOption>().FirstOrDefault()?.Action is HelpAction help)
            help.MaxWidth = columns;
        RootHelp.NamePlaceholders(root);

        // Response files (@file) stay off: an argument is what it says, never a file's first line.
        var parse = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (args.Contains("--json") && args.Any(a => a is "--help" or "-h" or "-?"))
            return io.Fail(ErrorKind.Usage, "--help has no JSON form: run it without --json", json: true);
        if (SwallowedOption(parse.RootCommandResult) is { } swallowed)
            return io.Fail(ErrorKind.Usage, swallowed, args.Contains("--json"));
        // pmap alone, or pmap --help: the short help, one screen; a command's --help is System.CommandLine's, with its examples.
        var helpAsked = args.Any(a => a is "--help" or "-h" or "-?");
        var noCommand = parse.Errors.Count > 0 && parse.Errors.All(e => e.Message.StartsWith("Required command", StringComparison.Ordinal))
            && !args.Contains("--json");
        if (parse.CommandResult.Command == root && parse.UnmatchedTokens.Count == 0 && (helpAsked || noCommand))
        {
            stdout.Write(RootHelp.Text(root.Description!));
            return ExitCodes.Success;
        }
        if (parse.Errors.Count > 0)
        {
            var json = args.Contains("--json");
            // An unrecognised word says more than "required command was not provided".
            var error = parse.Errors.FirstOrDefault(e => e.Message.StartsWith("Unrecognized", StringComparison.Ordinal)) ?? parse.Errors[0];
            return io.Fail(ErrorKind.Usage, error.Message.TrimEnd('.') + Suggestion(parse, error) + " (see pmap --help)", json);
        }
        return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
    }

    /// <summary>": did you mean --ram-size?" for an unrecognised word close to an option or subcommand of the command it was given to.</summary>
    private static string Suggestion(ParseResult parse, ParseError error)
    {
        if (!error.Message.StartsWith("Unrecognized", StringComparison.Ordinal) || parse.UnmatchedTokens.Count == 0) return "";
        var word = parse.UnmatchedTokens[0];
        var names = new List<string>();
        for (var c = parse.CommandResult; c is not null; c = c.Parent as CommandResult)
        {
            var visible = c.Command.Options.Where(o => !o.Hidden && (o.Recursive || c == parse.CommandResult));
            names.AddRange(visible.SelectMany(o => o.Aliases.Prepend(o.Name)).Where(n => n.StartsWith("--", StringComparison.Ordinal)));
            if (c == parse.CommandResult) names.AddRange(c.Command.Subcommands.Where(s => !s.Hidden).Select(s => s.Name));
        }
        return Spelling.Closest(word, names) is { } near ? $": did you mean {near}?" : "";
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

    /// <summary>The command line, whose long values every stderr line and error message cuts (<see cref="Line"/>).</summary>
    public IReadOnlyList<string> Inputs
    {
        init => _inputs = value;
    }

    private readonly IReadOnlyList<string> _inputs = [];

    // Found at the first line written, not at start: most runs write none, and a start that reads the environment through
    // LINQ over DictionaryEntry (a struct) JIT-compiles a score of methods for it.
    private List<string>? _longInputs;

    /// <summary>
    /// What pmap writes as one line on stderr and as an error message: any input value (an argument, a part of one, a PMAP_
    /// variable) longer than <see cref="Hex.EchoLength"/> cut as <see cref="Hex.Echo"/> cuts it, control characters escaped.
    /// </summary>
    public string Line(string message)
    {
        foreach (var value in _longInputs ??= LongValues(_inputs))
            if (message.Contains(value, StringComparison.Ordinal)) message = message.Replace(value, Hex.Echo(value), StringComparison.Ordinal);
        return Hex.Printable(message);
    }

    /// <summary>Options whose values are paths: those are shown whole (a cut path names no file), escaped all the same.</summary>
    private static readonly string[] PathOptions = ["--config", "--plugins", "-o", "--output", "--xen-syms", "--xen-image", "--record"];

    private static List<string> LongValues(IReadOnlyList<string> args)
    {
        var values = args.Where((a, i) => !(i > 0 && PathOptions.Contains(args[i - 1]))
            && !PathOptions.Any(o => a.StartsWith(o + "=", StringComparison.Ordinal)));
        var environment = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .Where(e => e.Key is string k && k.StartsWith("PMAP_", StringComparison.Ordinal) && !k.EndsWith("PATH", StringComparison.Ordinal)
                && !k.EndsWith("FILE", StringComparison.Ordinal))
            .Select(e => e.Value as string ?? "");
        return values.Concat(environment)
            .SelectMany(a => a.Split('=', ',', ':').Prepend(a))
            .Where(v => v.Length > Hex.EchoLength).Distinct().OrderByDescending(v => v.Length).ToList();
    }

    /// <summary>
    /// Runs a command body with the documented exit codes; no exception reaches the user as a trace. A command that runs on one
    /// architecture's model says <paramref name="oneArchitecture"/>: only that architecture's plugin is loaded when it can be. One
    /// that judges every profile says <paramref name="everyProfile"/>: each is built at load, not only the default.
    /// </summary>
    public int Execute(ParseResult p, Func<CommandContext, int> body, bool oneArchitecture = false, bool everyProfile = false)
    {
        var json = p.GetValue(Global.Json);
        try
        {
            var context = new CommandContext(this, Global.Read(p), oneArchitecture, everyProfile);
            CommandOptions.RefuseConflicts(p);
            foreach (var note in CommandOptions.DeprecationNotes(p)) context.Note(note);
            return body(context);
        }
        catch (XenCrashException e)
        {
            if (json) Json.Write(Out, new ErrorDocument(ErrorDto.Of(e)));
            return ReportCrash(e);
        }
        catch (PluginFolderException e)
        {
            return Fail(ErrorKind.Plugin, e.Message, json, human: e.AlreadyReported);
        }
        catch (Exception e) when (KnownError(e) is { } error)
        {
            return Fail(error.Kind, error.Message, json);
        }
        catch (Exception) when (Broken() is { } broken)
        {
            return Fail(ErrorKind.Environment, broken, json); // an exception a broken stdout caused, wrapped on its way
        }
        catch (Exception e)
        {
            return Fail(ErrorKind.Plugin, InternalError(e), json);
        }
    }

    /// <summary>The error an exception of a kind pmap names is reported with (usage, configuration, environment, plugin, Xen), or null.</summary>
    public static ErrorDto? KnownError(Exception e) => e switch
    {
        XenCrashException crash => ErrorDto.Of(crash),
        PmapUsageException or FormatException or OverflowException => new ErrorDto(ErrorKind.Usage, e.Message),
        PmapConfigurationException => new ErrorDto(ErrorKind.Config, e.Message),
        PmapEnvironmentException => new ErrorDto(ErrorKind.Environment, e.Message),
        PluginFolderException or PmapPluginException => new ErrorDto(ErrorKind.Plugin, e.Message),
        _ => null,
    };

    /// <summary>
    /// What an exception no error kind names says: a plugin's constructor or service, reached through reflection or DI, has its
    /// reason in the innermost exception.
    /// </summary>
    public static string InternalError(Exception e)
    {
        while (e is System.Reflection.TargetInvocationException { InnerException: { } inner }) e = inner;
        var first = e.Message.Split('\n')[0].TrimEnd();
        return $"internal error in a plugin or the model: {e.GetType().Name}: {first}";
    }

    /// <summary>Why stdout or stderr broke, when one did.</summary>
    private string? Broken() => (Out as GuardedWriter)?.Broken ?? (Err as GuardedWriter)?.Broken;

    /// <summary>
    /// Where Xen died, said once on stderr: the last line Xen printed, its console (BUG/ASSERT line and panic banner), then one
    /// pmap line. Human output on stdout only points here, so a crash is never printed twice.
    /// </summary>
    public int ReportCrash(XenCrashException crash, string? lastMessage = null)
    {
        if (lastMessage is not null) Err.WriteLine(XenConsole.Prefix + lastMessage);
        foreach (var line in XenConsole.Lines(crash)) Err.WriteLine(line);
        Err.WriteLine("pmap: " + Line(crash.Message));
        return ExitCodes.XenCrash;
    }

    /// <summary>One line on stderr; with --json also the error document on stdout.</summary>
    public int Fail(ErrorKind kind, string message, bool json, string? where = null, string? human = null)
    {
        Err.WriteLine("pmap: " + Line(human ?? message));
        if (json) Json.Write(Out, new ErrorDocument(new ErrorDto(kind, Line(message), where)));
        return ExitCodes.Of(kind);
    }

    /// <summary>Reports plugin failures on stderr, one line each.</summary>
    public void ReportPluginFailures(PluginCatalog catalog)
    {
        foreach (var f in catalog.Failures) Err.WriteLine(Line($"pmap: plugin {f.Path}: {f.Error}"));
    }
}
