using System.CommandLine;

namespace Pmap.Host;

/// <summary>
/// `pmap` and `pmap --help`: one screen, the commands grouped by what they are for (a command's own --help keeps its options
/// and examples); and one placeholder style in every help text, upper case as docs/CLI.md writes them.
/// </summary>
public static class RootHelp
{
    /// <summary>The groups of the root help, each command with one line; a test holds it to the registered commands.</summary>
    public static readonly (string Group, (string Name, string Summary)[] Commands)[] Groups =
    [
        ("Look at the model", [
            ("layout", "the fixmap: FIXADDR_START/TOP, the PMAP slots, every named slot"),
            ("versions", "the Xen releases modelled, one row per change (--diff FROM..TO)"),
            ("compare", "architectures, or releases of one, side by side"),
            ("decode", "a raw page-table entry, field by field"),
        ]),
        ("Run Xen's code", [
            ("map", "pmap_map / pmap_unmap: every PTE write, barrier and TLB flush"),
            ("boot", "the boot page tables and map_pages_to_xen through PMAP"),
            ("translate", "walk the tables for one VA (after boot, or after maps)"),
            ("dump", "every mapping after boot or a map, as Linux's ptdump"),
        ]),
        ("Check it", [
            ("hazards", "ordering hazards against the architecture's rules (--why)"),
            ("conformance", "the checks every port must pass"),
            ("fuzz", "random PMAP operations with pmap.c's invariants checked"),
            ("verify", "the model against QEMU's MMU or a real Xen image"),
        ]),
        ("Report and set up", [
            ("report", "one HTML page: findings, fixmap, tables, PTE, timeline"),
            ("bench", "a performance workload (one JSON line)"),
            ("arch", "the architecture plugins (arch list)"),
            ("config", "the effective configuration and where each value came from"),
        ]),
    ];

    // Placeholders where an option names none: the words docs/CLI.md uses.
    private static readonly Dictionary<string, string> Placeholders = new()
    {
        ["--plugins"] = "DIR",
        ["--config"] = "FILE",
        ["--num-fix-pmap"] = "N",
        ["--color"] = "auto|always|never",
        ["--litmus"] = "DIR",
        ["--map-seq"] = "SEQ",
        ["--unmap-seq"] = "SEQ",
        ["-o"] = "FILE",
        ["--output"] = "FILE",
        ["--ram-base"] = "PA",
        ["--seed"] = "S",
        ["--va"] = "VA",
        ["--xen-image"] = "FILE",
        ["--xen-syms"] = "FILE",
        ["--record"] = "FILE",
        ["--format"] = "FORMAT",
        ["--level"] = "LEVEL",
        ["--arch"] = "ARCH",
    };

    /// <summary>The short help text (at most 40 lines).</summary>
    public static string Text(string description)
    {
        var lines = Wrap(description, 80);
        lines.AddRange(["", "Usage: pmap COMMAND [--arch ARCH] [--profile PROFILE] [OPTIONS]"]);
        foreach (var (group, commands) in Groups)
        {
            lines.Add("");
            lines.Add(group + ":");
            lines.AddRange(commands.Select(c => $"  {c.Name,-12} {c.Summary}"));
        }
        lines.Add("");
        lines.Add("Every command takes --arch ARCH, --profile PROFILE, --json, --plugins DIR,");
        lines.Add("--config FILE, --num-fix-pmap N, --xen-release-build, --color auto|always|never.");
        lines.Add("pmap COMMAND --help: its options and examples. docs/CLI.md: the whole contract.");
        return string.Join('\n', lines) + "\n";
    }

    /// <summary>Every option's placeholder in the one style (an upper-case word, or the values it takes).</summary>
    public static void NamePlaceholders(RootCommand root)
    {
        foreach (var o in AllOptions(root).Where(o => o.HelpName is null && o.ValueType != typeof(bool)))
            if (Placeholders.TryGetValue(o.Name, out var name) || o.Aliases.Any(a => Placeholders.TryGetValue(a, out name))) o.HelpName = name;
    }

    private static IEnumerable<Option> AllOptions(Command c) => c.Options.Concat(c.Subcommands.SelectMany(AllOptions));

    private static List<string> Wrap(string text, int width)
    {
        var lines = new List<string> { "" };
        foreach (var word in text.Split(' '))
        {
            if (lines[^1].Length > 0 && lines[^1].Length + 1 + word.Length > width) lines.Add("");
            lines[^1] += (lines[^1].Length > 0 ? " " : "") + word;
        }
        return lines;
    }
}
