using System.CommandLine;
using System.CommandLine.Parsing;
using System.Runtime.CompilerServices;

namespace Pmap.Host.Commands;

/// <summary>
/// The options several commands take, declared once so that they are spelt, parsed and completed alike
/// (docs/CLI.md section 4a), and the old spellings that still work for one release.
/// </summary>
public static class CommandOptions
{
    /// <summary>The default frame of compare, dump and report: any frame inside every architecture's PA range.</summary>
    public const string DefaultMfn = "0x12345";

    private static readonly ConditionalWeakTable<Option, Func<string, string>> Replacements = new();

    /// <summary>--ram-size SIZE: a RAM bank's size, K/M/G/T suffixes (one spelling in boot, translate, dump and bench).</summary>
    public static Option<string?> RamSize(string description) => new("--ram-size") { Description = description, HelpName = "SIZE" };

    /// <summary>--mfn, repeatable, each a frame, a list (0x10,0x20) or an inclusive range (1-8).</summary>
    public static Option<string[]> Mfns(string description, bool required = false) => new("--mfn")
    {
        Description = description + "; repeatable, a list (0x10,0x20) or a range (1-8)",
        HelpName = "MFN",
        Required = required,
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>--mfn of a command that maps one frame (default 0x12345); lists and ranges parse alike but must name one.</summary>
    public static Option<string> Mfn(string description) => new("--mfn")
    {
        Description = description,
        HelpName = "MFN",
        DefaultValueFactory = _ => DefaultMfn,
    };

    /// <summary>--count N (1 to <paramref name="max"/>: more is a typo, not a run of days), and the command's old spelling of it.</summary>
    public static CountOption Count(string description, long max, string oldName) =>
        new(new Option<string?>("--count") { Description = $"{description}, at most {max}", HelpName = "N" },
            Deprecated<string?>(oldName, v => $"--count {v}"), max);

    /// <summary>An option that takes one of a few names (--workload, --after), which the shell can complete.</summary>
    public static Option<string> Choice(string name, string description, IReadOnlyList<string> values, string? defaultValue = null)
    {
        var o = new Option<string>(name) { Description = description, Required = defaultValue is null, HelpName = string.Join("|", values) };
        if (defaultValue is not null) o.DefaultValueFactory = _ => defaultValue;
        o.CompletionSources.Add([.. values]);
        return o;
    }

    /// <summary>--state S: Xen's system_state, completed from SYS_STATE_*.</summary>
    public static Option<string?> State(string description)
    {
        var o = new Option<string?>("--state") { Description = description, HelpName = "STATE" };
        o.CompletionSources.Add(_ => Completions.SystemStates());
        return o;
    }

    /// <summary>
    /// An old spelling, hidden from help: it still works, and a one-line note on stderr names what to write instead
    /// (<paramref name="use"/> turns the value given into the new spelling).
    /// </summary>
    public static Option<T> Deprecated<T>(string name, Func<string, string> use, bool recursive = false)
    {
        var o = new Option<T>(name) { Hidden = true, Recursive = recursive };
        Replacements.Add(o, use);
        return o;
    }

    /// <summary>One line per old spelling used: "--gib is deprecated, use --ram-size 2G; it will be removed in the next release".</summary>
    public static IEnumerable<string> DeprecationNotes(ParseResult p)
    {
        foreach (var r in OptionResults(p.RootCommandResult))
        {
            if (r.Implicit || !Replacements.TryGetValue(r.Option, out var use)) continue;
            var value = string.Join(" ", r.Tokens.Select(t => t.Value));
            yield return $"{r.IdentifierToken?.Value ?? r.Option.Name} is deprecated, use {use(value)}; it will be removed in the next release";
        }
    }

    /// <summary>
    /// An old spelling and its new one given together with different values (`--gib 1 --ram-size 2G`) is a usage error: one
    /// of them would be silently ignored. Numbers and sizes compare by value (`--n 16 --count 0x10` agree).
    /// </summary>
    public static void RefuseConflicts(ParseResult p)
    {
        var given = OptionResults(p.RootCommandResult).Where(r => !r.Implicit).ToList();
        foreach (var old in given)
        {
            if (!Replacements.TryGetValue(old.Option, out var use)) continue;
            var oldValue = string.Join(" ", old.Tokens.Select(t => t.Value));
            var replacement = use(oldValue).Split(' ', 2);
            var (name, value) = (replacement[0], replacement.Length > 1 ? replacement[1] : "");
            foreach (var now in given.Where(r => r.Option.Name == name || r.Option.Aliases.Contains(name)))
            {
                var nowValue = string.Join(" ", now.Tokens.Select(t => t.Value));
                if (!Same(value, nowValue))
                    throw new PmapUsageException($"{old.IdentifierToken?.Value ?? old.Option.Name} {Hex.Echo(oldValue)} and {name} "
                        + $"{Hex.Echo(nowValue)} disagree: give only {name}");
            }
        }
    }

    private static bool Same(string a, string b) =>
        a == b || (Hex.TryParseSize(a, out var x) && Hex.TryParseSize(b, out var y) && x == y);

    private static IEnumerable<OptionResult> OptionResults(CommandResult command)
    {
        foreach (var child in command.Children)
        {
            if (child is OptionResult o) yield return o;
            else if (child is CommandResult sub)
                foreach (var inner in OptionResults(sub)) yield return inner;
        }
    }
}

/// <summary>--count and its old spelling, with the range every workload checks.</summary>
public sealed record CountOption(Option<string?> Option, Option<string?> Old, long Max)
{
    /// <summary>The count given (null: the command's default), checked against 1..Max.</summary>
    public long? Read(ParseResult p)
    {
        if ((p.GetValue(Option) ?? p.GetValue(Old)) is not { } text) return null;
        var n = (long)Math.Min(Args.ParseNonNegative(text, "--count"), long.MaxValue);
        return n is < 1 || n > Max ? throw new PmapUsageException($"--count {n} is out of range: expected 1 to {Max}") : n;
    }
}
