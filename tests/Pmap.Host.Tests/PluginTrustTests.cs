namespace Pmap.Host.Tests;

/// <summary>
/// Issue 27, cases 8, 12, 13: a plugin is code pmap runs (README, "Trust"), but what it says reaches the user in pmap's
/// form: its console output on stderr marked as its own, never in --json stdout; its constructor's failure with the reason.
/// </summary>
public class PluginTrustTests
{
    [Theory]
    [InlineData("layout", "--arch", "hostile")]
    [InlineData("map", "--arch", "hostile", "--mfn", "0x10", "--unmap")]
    public void Console_output_of_a_plugin_goes_to_stderr_as_its_own_and_json_stays_one_document(params string[] args)
    {
        var r = Cli.Hostile("console", [.. args, "--json"]);
        Assert.Equal(0, r.Code);
        Assert.Equal(System.Text.Json.JsonValueKind.Object, r.Json.ValueKind); // the whole of stdout parses as one document
        Assert.DoesNotContain("hostile:", r.Out);
        Assert.Contains("pmap: plugin output: hostile: hello from the constructor", r.Err);
        Assert.Contains("pmap: plugin output: hostile: hello from ConfigureServices", r.Err);
        if (args[0] == "map")
        {
            Assert.Contains("pmap: plugin output: hostile: hello from arch_pmap_map", r.Err);
            Assert.Contains("pmap: plugin output: hostile: hello from arch_pmap_unmap", r.Err);
        }
    }

    [Fact]
    public void A_constructor_failure_names_the_inner_exception_and_its_first_line_only()
    {
        var r = Cli.Hostile("ctor", "arch", "list", "--json");
        Assert.Equal(3, r.Code);
        var failure = Assert.Single(r.Json.GetProperty("failures").EnumerateArray()).GetProperty("error").GetString();
        Assert.Equal("Plugin's constructor threw InvalidOperationException: the hostile constructor failed", failure);
        // One stderr line for the failure, one for "no architecture loaded": neither splits.
        Assert.All(r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => Assert.StartsWith("pmap: ", l, StringComparison.Ordinal));
        Assert.DoesNotContain("second line", r.Err);
        Assert.DoesNotContain("target of an invocation", r.Err);
    }

    /// <summary>Case 13, out of memory: the runtime's own OutOfMemoryException in the constructor; the bundled plugins still load.</summary>
    [Fact]
    public void A_constructor_out_of_memory_is_reported_and_the_other_plugins_load()
    {
        var r = Cli.Process(new Dictionary<string, string> { ["HOSTILE_PLUGIN"] = "oom" }, "arch", "list", "--json", "--plugins", Cli.HostilePlugins);
        Assert.Equal(0, r.Code);
        var failure = Assert.Single(r.Json.GetProperty("failures").EnumerateArray()).GetProperty("error").GetString();
        Assert.StartsWith("Plugin's constructor threw OutOfMemoryException: ", failure, StringComparison.Ordinal);
        var names = r.Json.GetProperty("architectures").EnumerateArray().Select(a => a.GetProperty("name").GetString()).ToList();
        Assert.Contains("arm64", names);
        Assert.DoesNotContain("hostile", names);
        var line = Assert.Single(r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("pmap: plugin ", line, StringComparison.Ordinal);
        Assert.EndsWith(failure, line, StringComparison.Ordinal);
    }

    [Fact]
    public void A_plugin_throwing_in_a_hook_is_one_line_naming_the_exception()
    {
        var r = Cli.Hostile("map", "map", "--arch", "hostile", "--mfn", "0x10", "--json");
        Assert.Equal(3, r.Code);
        Assert.Equal("plugin", r.Json.GetProperty("error").GetProperty("kind").GetString());
        Assert.Equal("pmap: internal error in a plugin or the model: InvalidOperationException: arch_pmap_map failed on purpose",
            r.Err.TrimEnd('\n'));
    }

    /// <summary>
    /// Case 18, the one no process can catch in itself: .NET ends a process whose stack overflows before any handler runs.
    /// What the user sees is the runtime's own message and exit 134 (SIGABRT), as README's "Trust" says.
    /// </summary>
    [Fact]
    public void A_plugin_that_recurses_without_end_aborts_the_process_as_documented()
    {
        var r = Cli.Hostile("recurse", "map", "--arch", "hostile", "--mfn", "0x10", "--json");
        Assert.Equal(134, r.Code);
        Assert.Contains("Stack overflow", r.Err);
        Assert.Equal("", r.Out);
    }
}
