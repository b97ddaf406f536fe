namespace Pmap.Host.Tests;

/// <summary>
/// Issue 27, cases 7, 8, 9, 15, 16: what a user types comes back printable, short and on one line; old and new spellings that
/// disagree are refused; every number takes hex.
/// </summary>
public class HostileInputTests
{
    private const string Esc = "\u001b";

    /// <summary>An OSC that sets the window title, then a clear-screen: harmless once escaped.</summary>
    private const string TitleAndClear = Esc + "]0;pwned\a" + Esc + "[2J";

    private static CliResult Fails(int code, string kind, IDictionary<string, string>? env, params string[] args)
    {
        var r = Cli.Process(env, [.. args, "--json"]);
        r.AssertNoStackTrace();
        Assert.True(code == r.Code, $"exit {r.Code}: {r.Err}");
        Assert.Equal(kind, r.Json.GetProperty("error").GetProperty("kind").GetString());
        OneCleanLine(r.Err);
        return r;
    }

    /// <summary>Exactly one line, starting pmap:, with no control character in it.</summary>
    private static void OneCleanLine(string err)
    {
        var line = Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("pmap: ", line, StringComparison.Ordinal);
        Assert.DoesNotContain(line, char.IsControl);
    }

    [Theory]
    [InlineData("layout", "--arch", TitleAndClear)]
    [InlineData("layout", "--arch", "arm64", "--profile", TitleAndClear)]
    [InlineData("map", "--arch", "x86", "--mfn", TitleAndClear)]
    [InlineData("map", "--arch", "x86", "--mfn", "1", "--state", TitleAndClear)]
    [InlineData("dump", "--arch", "x86", "--after", TitleAndClear)]
    [InlineData("layout", "--color", TitleAndClear)]
    [InlineData("report", "--arch", "x86", "-o", "/nonexistent" + TitleAndClear + "/r.html")]
    public void Control_characters_in_input_are_shown_escaped(params string[] args)
    {
        var r = Fails(2, "usage", null, args);
        Assert.Contains(@"\e]0;pwned\x07\e[2J", r.Err);
    }

    [Fact]
    public void Control_characters_in_configuration_values_are_shown_escaped()
    {
        var r = Fails(3, "config", new Dictionary<string, string> { ["PMAP_NUMFIXPMAP"] = "8" + TitleAndClear }, "layout", "--arch", "arm64");
        Assert.Contains(@"\e]0;pwned\x07\e[2J", r.Err);
    }

    [Fact]
    public void Control_characters_in_a_plugin_name_are_shown_escaped()
    {
        // A plugin folder named with a title-setting OSC and a newline, holding a damaged assembly: its failure line names it escaped.
        var plugins = Cli.TempPlugins("Pmap.Arch.X86");
        var name = "Bad" + TitleAndClear + "\nx";
        Directory.CreateDirectory(Path.Combine(plugins, name));
        File.WriteAllText(Path.Combine(plugins, name, name + ".dll"), "not an assembly");
        var r = Cli.ProcessIn(Cli.BareHost, null, ["arch", "list", "--plugins", plugins]);
        Assert.Equal(0, r.Code); // x86 still loads
        var line = Assert.Single(r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("pmap: ", line, StringComparison.Ordinal);
        Assert.DoesNotContain(line, char.IsControl);
        Assert.Contains(@"Bad\e]0;pwned\x07\e[2J\nx", line);
        Assert.DoesNotContain(Esc, r.Out);
    }

    [Fact]
    public void A_newline_in_a_value_stays_on_one_line() =>
        Assert.Contains(@"arm64\nsecond", Fails(2, "usage", null, "layout", "--arch", "arm64\nsecond").Err);

    [Theory]
    [InlineData("layout", "--arch", "{0}")]
    [InlineData("layout", "--arch", "arm64", "--profile", "{0}")]
    [InlineData("map", "--arch", "x86", "--mfn", "1", "--state", "{0}")]
    [InlineData("layout", "--color", "{0}")]
    [InlineData("{0}")]
    [InlineData("layout", "--{0}")]
    public void Long_input_is_echoed_cut_at_40_characters(params string[] template)
    {
        var huge = new string('q', 100_000);
        var r = Fails(2, "usage", null, [.. template.Select(a => a.Replace("{0}", huge, StringComparison.Ordinal))]);
        Assert.Matches("q{30,39}…", r.Err);
        Assert.DoesNotContain(new string('q', 40), r.Err);
        Assert.True(r.Err.Length < 1000, r.Err); // the cut value, and what is allowed
    }

    [Theory]
    [InlineData("bench", "--workload", "W3", "--gib", "1", "--ram-size", "2G")]
    [InlineData("fuzz", "--arch", "x86", "--ops", "10", "--count", "20")]
    [InlineData("translate", "--arch", "x86", "--va", "0x1000", "--boot-ram", "1G", "--ram-size", "2G")]
    public void Old_and_new_spellings_that_disagree_are_a_usage_error(params string[] args) =>
        Assert.Contains("disagree: give only", Fails(2, "usage", null, args).Err);

    [Fact]
    public void Old_and_new_spellings_that_agree_run_with_the_note()
    {
        var r = Cli.Process(null, "fuzz", "--arch", "x86", "--ops", "16", "--count", "0x10", "--json");
        Assert.Equal(0, r.Code);
        Assert.Equal(16, r.Json.GetProperty("ops").GetInt32());
        Assert.Contains("--ops is deprecated", r.Err);
    }

    [Fact]
    public void Num_fix_pmap_takes_hex_on_the_command_line_and_in_the_environment()
    {
        var option = Cli.Process(null, "layout", "--arch", "arm64", "--num-fix-pmap", "0x10", "--json");
        Assert.Equal(16, option.Json.GetProperty("numFixPmap").GetInt32());
        var env = Cli.Process(new Dictionary<string, string> { ["PMAP_NUMFIXPMAP"] = "0x8" }, "layout", "--arch", "arm64", "--json");
        Assert.Equal(0, env.Code);
        Assert.Equal(8, env.Json.GetProperty("numFixPmap").GetInt32());
    }
}
