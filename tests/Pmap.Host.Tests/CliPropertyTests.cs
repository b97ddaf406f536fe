using System.Text.Json;
using CsCheck;
using Xunit.Abstractions;

namespace Pmap.Host.Tests;

/// <summary>
/// The CLI contract (docs/CLI.md, sections 1 to 3) over random command lines, configuration files and environment variables:
/// every command's options with valid, boundary and hostile values (control characters, long strings, empty). For each run:
/// the exit code is a documented one, stderr has at most one error line and no control character, --json stdout is exactly
/// one JSON document, no .NET trace appears, and nothing is written but the file asked for. 2,000 runs through the CLI's
/// entry point with captured streams and 100 through the real binary; CLI_PROPERTY_SCALE=N runs N times as many.
/// </summary>
public class CliPropertyTests(ITestOutputHelper output)
{
    private static readonly int Scale = int.TryParse(Environment.GetEnvironmentVariable("CLI_PROPERTY_SCALE"), out var s) && s > 0 ? s : 1;
    private static readonly int[] Documented = [0, 1, 2, 3, 4];

    private const string Esc = "\u001b";
    private static readonly string[] Hostile =
        ["", " ", Esc + "]0;title\a" + Esc + "[2J", "a\nb", "\a", new string('z', 5000), "--json", "ü", "%n%s", "\t", "-", "@file"];
    private static readonly string[] Boundary = ["0", "-1", "0x", "18446744073709551616", "0xffffffffffffffff", "4097", "1T", "1-4097", "100000001"];

    /// <summary>Each command and its options with the values that mean something to it (an empty list: a flag).</summary>
    private static readonly (string[] Command, (string Option, string[] Valid)[] Options)[] Commands =
    [
        (["arch", "list"], []),
        (["layout"], [("--arch", Arch), ("--profile", Profile), ("--num-fix-pmap", ["1", "8", "0x10", "64"]), ("--xen-release-build", [])]),
        (["versions"], [("--arch", Arch)]),
        (["map"], [("--arch", Arch), ("--mfn", Mfn), ("--mfn", Mfn), ("--unmap", []), ("--state", ["early_boot", "smp_boot", "SYS_STATE_boot"]),
            ("--in-irq", []), ("--profile", Profile), ("--format", ["text", "svg"])]),
        (["decode"], [("--arch", Arch), ("--level", ["0", "1", "2", "3"]), ("", ["0x40000012345f7f", "0", "0xfff"])]),
        (["translate"], [("--arch", Arch), ("--va", ["0x400000", "0x0", "0xffffffffffffffff", "4096"]), ("--mfn", Mfn),
            ("--ram-size", Sizes), ("--boot-ram", Sizes)]),
        (["compare"], [("--arch", [.. Arch, "arm64,x86"]), ("--profile", [.. Profile, "arm64:xen-4.17"]), ("--mfn", Mfn), ("--archs", Arch)]),
        (["boot"], [("--arch", Arch), ("--ram-base", ["0x40000000", "0x80000000"]), ("--ram-size", Sizes), ("--strict-ordering", [])]),
        (["dump"], [("--arch", Arch), ("--after", ["boot", "map"]), ("--mfn", Mfn), ("--ram-size", Sizes), ("--tables", []),
            ("--format", ["text", "svg", "dot"])]),
        (["report"], [("--arch", Arch), ("--mfn", ["0x10", "0x12345"]), ("-o", ["{scratch}/r.html"])]),
        (["config"], [("--arch", Arch), ("--profile", Profile), ("--num-fix-pmap", ["8", "0x10"])]),
        (["conformance"], [("--arch", Arch), ("--profile", Profile)]),
        (["fuzz"], [("--arch", Arch), ("--count", ["1", "100", "0x40"]), ("--ops", ["10"]), ("--seed", ["1", "0x2a"])]),
        (["hazards"], [("--arch", Arch), ("--profile", Profile), ("--why", [])]),
    ];

    private static string[] Arch => ["arm64", "arm32", "x86", "riscv"];
    private static string[] Profile => ["xen-4.17", "upstream", "seed-v3", "series-v5", "xen-4.22.0"];
    private static string[] Mfn => ["0x10", "1", "1-8", "0x10,0x20", "0xfffff"];
    private static string[] Sizes => ["64M", "1G", "2G", "0x4000000"];

    private static readonly string[] ConfigFiles =
    [
        """{"NumFixPmap": 4}""", """{"NumFixPmap": "0x10"}""", """{"Architecture": "x86"}""", "{", """{"NumFixPmap": -1}""",
        """{"Architectures": {"arm64": {"Profile": "\u001b[2J"}}}""", """{"Architectur": "arm64"}""", $$"""{"Architecture": "{{new string('y', 3000)}}"}""",
    ];

    private static readonly (string Name, string[] Values)[] Variables =
        [("PMAP_NUMFIXPMAP", ["4", "0x8", "0", "x"]), ("PMAP_ARCHITECTURE", ["x86", "arm46", Esc + "[31m"]), ("PMAP_DEBUG", ["false", "maybe"])];

    /// <summary>One generated run: arguments (with {scratch} for the output folder), a configuration file, environment.</summary>
    public sealed record CliRun(string[] Args, string? Config, Dictionary<string, string> Env)
    {
        public override string ToString() =>
            string.Join(" ", Args.Select(a => a.Length > 60 ? a[..20] + $"…({a.Length})" : a).Select(a => JsonSerializer.Serialize(a)))
            + (Config is null ? "" : $" config={Config[..Math.Min(60, Config.Length)]}") + string.Concat(Env.Select(e => $" {e.Key}={e.Value}"));
    }

    /// <summary>A pick from <paramref name="choices"/> by one random number.</summary>
    private static T Pick<T>(IReadOnlyList<T> choices, int r) => choices[(int)((uint)r % (uint)choices.Count)];

    private static readonly Gen<CliRun> Cases = Gen.Int.Array[24].Select(r =>
    {
        var (command, options) = Pick(Commands, r[0]);
        var args = new List<string>(r[1] % 20 == 0 ? [Pick(Hostile, r[2])] : command); // now and then an unknown command
        for (var i = 0; i < (uint)r[3] % 5; i++)
        {
            if (options.Length == 0) break;
            var (option, valid) = Pick(options, r[4 + 2 * i]);
            var v = r[5 + 2 * i];
            if (option.Length > 0) args.Add((uint)v % 25 == 0 ? "--" + Pick(Hostile, v / 25) : option); // now and then an unknown option
            if (valid.Length == 0) continue; // a flag
            args.Add((((uint)v >> 8) % 8) switch
            {
                0 => Pick(Hostile, v >> 11),
                1 => Pick(Boundary, v >> 11),
                _ => Pick(valid, v >> 11),
            });
        }
        if ((uint)r[15] % 3 != 0) args.Add("--json");
        if ((uint)r[16] % 10 == 0) args.AddRange(["--color", Pick([.. Hostile, "never", "always"], r[17])]);
        if ((uint)r[18] % 50 == 0) args.Add("--help");
        var config = (uint)r[19] % 6 == 0 ? Pick(ConfigFiles, r[20]) : null;
        var env = new Dictionary<string, string>();
        if ((uint)r[21] % 5 == 0)
        {
            var (name, values) = Pick(Variables, r[22]);
            env[name] = Pick(values, r[23]);
        }
        return new CliRun([.. args], config, env);
    });

    [Fact]
    public void The_contract_holds_for_random_command_lines_in_process()
    {
        var runs = 2000 * Scale;
        // In-process runs share the process's environment: only the arguments and configuration files vary here.
        Cases.Select(c => c with { Env = [] }).Sample(c => Check(c, (args, _) => Cli.Run(args)), iter: runs, print: c => c.ToString());
        output.WriteLine($"{runs} command lines through PmapApp.Run");
    }

    [Fact]
    public void The_contract_holds_for_random_command_lines_through_the_binary()
    {
        var runs = 100 * Scale;
        Cases.Sample(c => Check(c, (args, env) => Cli.Process(env, args)), iter: runs, print: c => c.ToString());
        output.WriteLine($"{runs} command lines through the pmap binary");
    }

    private static void Check(CliRun c, Func<string[], Dictionary<string, string>, CliResult> run)
    {
        var scratch = Directory.CreateTempSubdirectory("pmap-prop-").FullName;
        try
        {
            var args = c.Args.Select(a => a.Replace("{scratch}", scratch, StringComparison.Ordinal)).ToList();
            if (c.Config is not null)
            {
                var config = Path.Combine(Path.GetTempPath(), $"pmap-prop-{Guid.NewGuid():n}.json");
                File.WriteAllText(config, c.Config);
                args.AddRange(["--config", config]);
            }
            var r = run([.. args], c.Env);
            Assert.Contains(r.Code, Documented);
            Assert.DoesNotContain("   at ", r.Err + r.Out);
            Assert.DoesNotContain("Unhandled exception", r.Err);
            var lines = r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.All(lines, l => Assert.DoesNotContain(l, char.IsControl));
            Assert.True(lines.Count(IsError) <= 1, r.Err);
            if (args.Contains("--json"))
            {
                using var document = JsonDocument.Parse(r.Out); // one document and nothing after it
            }
            var written = Directory.GetFileSystemEntries(scratch).Select(Path.GetFileName).ToList();
            Assert.True(written.Count == 0 || (written is ["r.html"] && args.Contains(Path.Combine(scratch, "r.html"))), string.Join(", ", written));
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>A stderr line that reports the run's error (not a note, a warning, an old spelling or Xen's console).</summary>
    private static bool IsError(string line) =>
        line.StartsWith("pmap: ", StringComparison.Ordinal) && !line.StartsWith("pmap: note:", StringComparison.Ordinal)
        && !line.StartsWith("pmap: warning:", StringComparison.Ordinal) && !line.Contains(" is deprecated, use ", StringComparison.Ordinal);
}
