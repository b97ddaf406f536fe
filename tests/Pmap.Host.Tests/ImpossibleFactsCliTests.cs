namespace Pmap.Host.Tests;

/// <summary>
/// A port whose facts cannot be true is refused at load like any broken plugin (exit 3, kind plugin, one line naming the fact),
/// never run: before, a 64-level port's boot was reported as a Xen panic and a 0-bit-PA port passed conformance.
/// </summary>
public class ImpossibleFactsCliTests
{
    [Theory]
    // 512 eight-byte entries a table translate 9 bits a level: 12 + 9 x 4 = 48, so a 48-bit VA needs 4 levels, not 64.
    [InlineData("Pmap.TestPlugin.TooDeep", "toodeep",
        "levels: 64 levels of 512-entry tables (8-byte entries) translate 12 + 9 x 64 = 588 VA bits, but a 48-bit VA needs 4")]
    // A VA is a 64-bit word; a PA must hold a frame number above the 12-bit page offset.
    [InlineData("Pmap.TestPlugin.BadWidths", "badwidths",
        "VA width: 200 bits, but a virtual address has 13 to 64 (a 64-bit word above the 12-bit page offset); "
        + "PA width: 0 bits, but a physical address has 13 to 64 (a frame number above the 12-bit page offset)")]
    public void A_port_with_impossible_facts_is_refused_at_load_naming_the_fact(string plugin, string arch, string fact)
    {
        var plugins = Cli.RefusedPlugin(plugin);
        var dll = Path.Combine(plugins, plugin, plugin + ".dll");
        var refusal = $"architecture '{arch}' profile 'plain' states impossible facts: {fact}";
        foreach (var command in new[] { "boot", "conformance", "layout", "config" })
        {
            var r = Cli.Run(command, "--arch", arch, "--plugins", plugins, "--json");
            Assert.Equal(3, r.Code);
            r.AssertNoStackTrace();
            var error = r.Json.GetProperty("error");
            Assert.Equal("plugin", error.GetProperty("kind").GetString());
            Assert.Equal($"plugin {dll} was refused: {refusal}", error.GetProperty("message").GetString());
            // stderr: the plugin's failure line, then one line pointing to it rather than repeating it.
            Assert.Equal([$"pmap: plugin {dll}: {refusal}", $"pmap: architecture '{arch}' was refused at load (the plugin line above says why)"],
                r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }

        var list = Cli.Run("arch", "list", "--plugins", plugins, "--json");
        Assert.Equal(3, list.Code); // nothing loaded
        var failure = Assert.Single(list.Json.GetProperty("failures").EnumerateArray());
        Assert.Equal(refusal, failure.GetProperty("error").GetString());
    }
}
