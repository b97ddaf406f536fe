using System.Text.RegularExpressions;

namespace Pmap.Host.Tests;

/// <summary>Human output at COLUMNS=80: no line wider, and no hex number cut across lines by a table cell.</summary>
public partial class TerminalWidthTests
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        string[] commands = ["layout", "versions", "map --mfn 0x12345 --unmap", "map --mfn 1-8 --unmap", "decode 0x0", "translate --va 0x1000", "boot", "config",
            "conformance", "arch list", "dump --tables", "compare"];
        foreach (var arch in new[] { "arm64", "arm32", "x86", "riscv" })
            foreach (var c in commands) data.Add(arch, c);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Fits_80_columns(string arch, string command)
    {
        var r = Cli.Process(new Dictionary<string, string> { ["COLUMNS"] = "80" }, [.. command.Split(' '), "--arch", arch]);
        Assert.True(r.Code is 0 or 1, r.Err);
        var lines = r.Out.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.All(lines, l => Assert.True(l.Length <= 80, $"{l.Length} columns: {l}"));
        for (var i = 0; i + 1 < lines.Count; i++)
        {
            // A hex number that runs into its cell's right edge and goes on in the same column of the next line was cut.
            foreach (Match m in HexAtCellEnd().Matches(lines[i]))
            {
                var next = lines[i + 1];
                var at = m.Index;
                var cut = at < next.Length && char.IsAsciiHexDigitLower(next[at]) && !next[at..].StartsWith("0x", StringComparison.Ordinal)
                          && (at == 0 || next[at - 1] == ' ') && !AbbreviatedCommit().IsMatch(next[at..]);
                Assert.False(cut, $"hex number cut across lines:\n{lines[i]}\n{next}");
            }
        }
    }

    [Fact]
    public void Help_wraps_at_COLUMNS_for_every_command()
    {
        var help = Cli.Run("--help").Out;
        // The grouped root help lists each command indented under its group's heading.
        var commands = help.Split('\n').Where(l => l.StartsWith("  ", StringComparison.Ordinal))
            .Select(l => l.Trim().Split(' ')[0]).Where(w => w.Length > 0).ToList();
        Assert.Contains("boot", commands);
        foreach (var command in commands.Prepend(""))
        {
            string[] args = command.Length == 0 ? ["--help"] : [command, "--help"];
            var r = Cli.Process(new Dictionary<string, string> { ["COLUMNS"] = "80" }, args);
            Assert.Equal(0, r.Code);
            Assert.All(r.Out.Split('\n'), l => Assert.True(l.TrimEnd('\r').Length <= 80, $"pmap {command} --help, {l.Length} columns: {l}"));
        }
    }

    [Fact]
    public void Color_always_shows_the_yellow_legend_and_never_the_plain_one()
    {
        var colour = Cli.Run("compare", "--color", "always");
        Assert.Contains("\u001b[", colour.Out, StringComparison.Ordinal);
        Assert.Contains("yellow", colour.Out, StringComparison.Ordinal);
        var plain = Cli.Run("compare", "--color", "never");
        Assert.DoesNotContain("\u001b[", plain.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("yellow", plain.Out, StringComparison.Ordinal);
        Assert.Contains("* marks", plain.Out, StringComparison.Ordinal);
        Assert.Equal(2, Cli.Run("compare", "--color", "sometimes").Code);
    }

    [Fact]
    public void A_CI_services_variables_change_nothing_in_the_output()
    {
        // Spectre.Console's own CI detection turned ANSI on under GitHub Actions and Azure Pipelines, even with --color never.
        string[] args = ["compare", "--color", "never"];
        var plain = Cli.Process(null, args);
        var ci = Cli.Process(new Dictionary<string, string> { ["GITHUB_ACTIONS"] = "true", ["TF_BUILD"] = "True", ["CI"] = "true" }, args);
        Assert.Equal(0, ci.Code);
        Assert.DoesNotContain("\u001b[", ci.Out, StringComparison.Ordinal);
        Assert.Equal(plain.Out, ci.Out);
    }

    // versions prints the 10-digit commit of a fact under its value: a line of its own, not a continuation.
    [GeneratedRegex("^[0-9a-f]{10} ")]
    private static partial Regex AbbreviatedCommit();

    [GeneratedRegex("0x[0-9a-f]+(?= │)")]
    private static partial Regex HexAtCellEnd();
}
