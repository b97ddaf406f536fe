namespace Pmap.Host.Tests;

/// <summary>
/// Issue 27, case 8: a plugin built for another .NET. A port built for net8.0 cannot compile against this contract (it is built
/// for net10.0 alone), so the one a user meets was built against an older contract: it fails to load its types, and pmap says
/// which .NET it was built for and what to do, on one line.
/// </summary>
public class PluginFrameworkTests
{
    private const string Advice = "built for .NET 8.0, but pmap loads plugins built for .NET 10.0: rebuild it for net10.0; ";

    private static string Net8Plugins => Path.Combine(AppContext.BaseDirectory, "net8plugins");

    private static CliResult Run(params string[] args) => Cli.ProcessIn(Cli.BareHost, null, [.. args, "--plugins", Net8Plugins]);

    /// <summary>Every stderr line is pmap's, printable, and the stream ends with one newline (no blank line after it).</summary>
    private static void AssertOneLineEach(CliResult r, int lines)
    {
        Assert.EndsWith("\n", r.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("\n\n", r.Err, StringComparison.Ordinal);
        var all = r.Err.TrimEnd('\n').Split('\n');
        Assert.Equal(lines, all.Length);
        Assert.All(all, l => Assert.StartsWith("pmap: ", l, StringComparison.Ordinal));
        Assert.All(all, l => Assert.DoesNotContain(l, char.IsControl));
        Assert.DoesNotContain("   at ", r.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Arch_list_names_the_framework_and_says_to_rebuild_for_net10()
    {
        var r = Run("arch", "list", "--json");
        Assert.Equal(3, r.Code); // the only plugin failed: no architecture loaded
        var failure = Assert.Single(r.Json.GetProperty("failures").EnumerateArray());
        Assert.EndsWith("Pmap.TestPlugin.Net8.dll", failure.GetProperty("path").GetString(), StringComparison.Ordinal);
        Assert.StartsWith(Advice, failure.GetProperty("error").GetString(), StringComparison.Ordinal);
        AssertOneLineEach(r, 2); // the plugin's line, then "no architecture loaded"
        Assert.Contains(Advice, r.Err.Split('\n')[0], StringComparison.Ordinal);
    }

    [Fact]
    public void A_command_on_its_architecture_fails_with_the_same_advice()
    {
        var r = Run("layout", "--arch", "net8", "--json");
        Assert.Equal(3, r.Code);
        var error = r.Json.GetProperty("error");
        Assert.Equal("plugin", error.GetProperty("kind").GetString());
        Assert.Contains(Advice, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        AssertOneLineEach(r, 2); // the plugin's line, then "architecture 'net8' is not loaded ... the first: <the same reason>"
    }

    [Fact]
    public void Human_output_is_the_same_one_line()
    {
        var r = Run("arch", "list");
        Assert.Equal(3, r.Code);
        AssertOneLineEach(r, 2);
        Assert.Contains(Advice, r.Err, StringComparison.Ordinal);
    }
}
