namespace Pmap.Host.Tests;

/// <summary>
/// A port the tool cannot judge is never called clean, through the real binary: an instruction the port does not declare is a
/// plugin error (at load, or at the hook's first use of it), and a port with no maintenance rules gets no ordering verdict.
/// </summary>
public class NoFalseAllClearTests
{
    private static readonly string TestPlugins = Path.Combine(AppContext.BaseDirectory, "testplugins");
    private static readonly string Misspelt = Cli.RefusedPlugin("Pmap.TestPlugin.Misspelt");

    private static CliResult Run(string plugins, params string[] args) => Cli.Run([.. args, "--plugins", plugins, "--json"]);

    /// <summary>Exit 3, kind plugin, every stderr line pmap's own, the last the error's; returns the message.</summary>
    private static string PluginError(CliResult r)
    {
        r.AssertNoStackTrace();
        Assert.True(r.Code == 3, $"exit {r.Code}: {r.Err}");
        var error = r.Json.GetProperty("error");
        Assert.Equal("plugin", error.GetProperty("kind").GetString());
        Assert.All(r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => Assert.StartsWith("pmap: ", l));
        return error.GetProperty("message").GetString()!;
    }

    [Fact]
    public void A_misspelt_barrier_is_refused_at_load_naming_the_port_the_instruction_and_the_hook()
    {
        const string Refusal = "architecture 'misspelt' profile 'plain': arch_pmap_unmap executes 'fense', which the port's instruction set " +
            "does not declare (it declares st, fence, tlbflush)";
        var list = Run(Misspelt, "arch", "list");
        Assert.Equal(0, list.Code); // its other port, "stray", loads
        Assert.Equal(Refusal, Assert.Single(list.Json.GetProperty("failures").EnumerateArray()).GetProperty("error").GetString());

        foreach (var command in new[] { "hazards", "conformance", "layout" })
            Assert.EndsWith(Refusal, PluginError(Run(Misspelt, command, "--arch", "misspelt")));
    }

    [Fact]
    public void An_instruction_of_another_vocabulary_is_refused_at_its_first_use_never_given_a_meaning()
    {
        // "stray" loads (its facts name only declared instructions) but its arch_pmap_map executes a dmb nobody declared to it.
        const string Expected = "stray: arch_pmap_map executes 'dmb', which the port's instruction set does not declare (it declares st, fence, tlbflush)";
        foreach (var args in new[] { new[] { "map", "--arch", "stray", "--mfn", "0x12345" }, ["hazards", "--arch", "stray"], ["boot", "--arch", "stray"] })
        {
            var r = Run(Misspelt, args);
            Assert.Equal(Expected, PluginError(r));
            Assert.Equal("pmap: " + Expected, r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]);
        }
    }

    [Fact]
    public void A_port_with_no_rules_gets_no_hazard_verdict_and_fails_conformance()
    {
        Assert.Equal("norules: states no maintenance rules: nothing could be checked, so no verdict is given",
            PluginError(Run(TestPlugins, "hazards", "--arch", "norules")));

        var conformance = Run(TestPlugins, "conformance", "--arch", "norules");
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
