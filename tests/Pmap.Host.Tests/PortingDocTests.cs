using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Pmap.Host.Tests;

/// <summary>The numbers docs/PORTING.md gives about the conformance kit are those of a real run, so they cannot go stale.</summary>
public partial class PortingDocTests
{
    private static readonly string Porting = File.ReadAllText(Path.Combine(typeof(PortingDocTests).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "DocsFolder").Value!, "PORTING.md")).ReplaceLineEndings(" ");

    private static readonly string[] Ordinals = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
        "eleventh", "twelfth", "thirteenth", "fourteenth"];

    [GeneratedRegex(@"The (\d+) checks, in the order they run: (.*?)\. A port that states no rules")]
    private static partial Regex ChecksSentence();

    [GeneratedRegex(@"run on Arm's `xen-4\.17` profile it fails (\d+) of the (\d+): the (\w+), (\w+) and (\w+), .*? and the (\w+) \(the ordering check\)")]
    private static partial Regex FailuresSentence();

    [Fact]
    public void The_checks_and_the_xen_4_17_failures_are_counted_from_a_real_run()
    {
        var r = Cli.Process(null, "conformance", "--arch", "arm64", "--profile", "xen-4.17", "--json");
        Assert.Equal(4, r.Code); // failing checks are findings
        var checks = JsonNode.Parse(r.Out)!["checks"]!.AsArray();
        var failed = checks.Select((c, i) => (Passed: (bool)c!["passed"]!, Index: i)).Where(c => !c.Passed).Select(c => c.Index).ToList();

        var list = ChecksSentence().Match(Porting);
        Assert.True(list.Success, "PORTING.md no longer says \"The N checks, in the order they run: ...\"");
        Assert.Equal(checks.Count, int.Parse(list.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(checks.Count, list.Groups[2].Value.Split(';').Length); // the sentence names each check once

        var fails = FailuresSentence().Match(Porting);
        Assert.True(fails.Success, "PORTING.md no longer says which checks xen-4.17 fails");
        Assert.Equal(failed.Count, int.Parse(fails.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(checks.Count, int.Parse(fails.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(failed, new[] { 3, 4, 5, 6 }.Select(g => Array.IndexOf(Ordinals, fails.Groups[g].Value)));
        Assert.Contains("maintenance rules", (string)checks[failed[^1]]!["check"]!); // the eleventh is the ordering check
    }
}
