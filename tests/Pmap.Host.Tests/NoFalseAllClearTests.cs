namespace Pmap.Host.Tests;

/// <summary>
/// A port the tool cannot judge is never called clean, through the real binary: an instruction the port does not declare is a
/// plugin error (at load, or at the hook's first use of it), and a port with no maintenance rules gets no ordering verdict.
/// </summary>
public class NoFalseAllClearTests
{
    private static readonly string TestPlugins = Path.Combine(AppContext.BaseDirectory, "testplugins");

    private static CliResult Run(params string[] args) => Cli.Run([.. args, "--plugins", TestPlugins, "--json"]);

    private static string PluginError(CliResult r)
    {
        r.AssertNoStackTrace();
        Assert.True(r.Code == 3, $"exit {r.Code}: {r.Err}");
        var error = r.Json.GetProperty("error");
        Assert.Equal("plugin", error.GetProperty("kind").GetString());
        var message = error.GetProperty("message").GetString()!;
        // One line of its own, after the line each failed plugin of the folder gets.
        var lines = r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("pmap: " + message, lines[^1]);
        Assert.All(lines[..^1], l => Assert.StartsWith("pmap: plugin ", l));
        return message;
    }

    [Fact]
    public void A_misspelt_barrier_is_refused_at_load_naming_the_port_the_instruction_and_the_hook()
    {
        var list = Run("arch", "list");
        Assert.Equal(0, list.Code); // the other test ports still load
        var failure = Assert.Single(list.Json.GetProperty("failures").EnumerateArray(),
            f => f.GetProperty("error").GetString()!.Contains("'misspelt'", StringComparison.Ordinal)).GetProperty("error").GetString();
        Assert.Contains("architecture 'misspelt' profile 'plain': arch_pmap_unmap executes 'fense', which the port's instruction set does not declare " +
            "(it declares st, fence, tlbflush)", failure);

        foreach (var command in new[] { "hazards", "conformance", "layout" })
            Assert.Contains("'fense'", PluginError(Run(command, "--arch", "misspelt")));
    }

    [Fact]
    public void An_instruction_of_another_vocabulary_is_refused_at_its_first_use_never_given_a_meaning()
    {
        // "stray" loads (its facts name only declared instructions) but its arch_pmap_map executes a dmb nobody declared to it.
        Assert.Contains(Run("arch", "list").Json.GetProperty("architectures").EnumerateArray(), a => a.GetProperty("name").GetString() == "stray");
        const string Expected = "stray: arch_pmap_map executes 'dmb', which the port's instruction set does not declare (it declares st, fence, tlbflush)";
        Assert.Equal(Expected, PluginError(Run("map", "--arch", "stray", "--mfn", "0x12345")));
        Assert.Equal(Expected, PluginError(Run("hazards", "--arch", "stray")));
        Assert.Equal(Expected, PluginError(Run("boot", "--arch", "stray")));
    }

    [Fact]
    public void A_port_with_no_rules_gets_no_hazard_verdict_and_fails_conformance()
    {
        Assert.Equal("norules: states no maintenance rules: nothing could be checked, so no verdict is given",
            PluginError(Run("hazards", "--arch", "norules")));

        var conformance = Run("conformance", "--arch", "norules");
        Assert.Equal(4, conformance.Code);
        var checks = conformance.Json.GetProperty("checks").EnumerateArray()
            .ToDictionary(c => c.GetProperty("check").GetString()!, c => (Passed: c.GetProperty("passed").GetBoolean(), Detail: c.GetProperty("detail").GetString()!));
        Assert.False(checks["the port states its maintenance rules"].Passed);
        var notChecked = checks.Where(c => c.Value.Detail.StartsWith("not checked: norules states no maintenance rules", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, notChecked.Count);
        Assert.All(notChecked, c => Assert.False(c.Value.Passed));
        Assert.All(checks.Except(notChecked), c => Assert.True(c.Value.Passed, $"{c.Key}: {c.Value.Detail}")); // the rest of the port is sound
    }
}
