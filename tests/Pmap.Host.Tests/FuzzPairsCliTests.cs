using System.Text.Json;

namespace Pmap.Host.Tests;

/// <summary>
/// `pmap fuzz` over several (architecture, profile) pairs: --arch all, --profile all, lists and ARCH:PROFILE pairs, run in
/// parallel, each pair's result as its single run gives it, the totals, and the exit code over all of them.
/// </summary>
public class FuzzPairsCliTests
{
    private static List<JsonElement> Items(JsonElement e, string field) => [.. e.GetProperty(field).EnumerateArray()];

    private static string S(JsonElement e, string field) => e.GetProperty(field).GetString()!;

    [Fact]
    public void Arch_all_runs_each_architecture_at_its_default_profile_with_the_totals()
    {
        var r = Cli.Process(null, "fuzz", "--arch", "all", "--count", "3000", "--seed", "5", "--json");
        Assert.Equal(0, r.Code);
        r.AssertNoStackTrace();
        var runs = Items(r.Json, "runs");
        Assert.Equal(["arm32", "arm64", "riscv", "x86"], runs.Select(x => S(x, "arch")));
        Assert.All(runs, x => Assert.Equal("0x5", S(x, "seed")));
        var totals = r.Json.GetProperty("totals");
        Assert.Equal(4, totals.GetProperty("pairs").GetInt32());
        Assert.Equal(12000, totals.GetProperty("ops").GetInt64());
        Assert.Equal(0, totals.GetProperty("withFindings").GetInt32());
        Assert.True(totals.GetProperty("opsPerSecond").GetDouble() > 0);
        Assert.Empty(Items(r.Json, "skipped"));
        // Each pair's result is its single run's: the same seed replays it.
        var single = Cli.Process(null, "fuzz", "--arch", "riscv", "--count", "3000", "--seed", "5", "--json");
        Assert.True(JsonElement.DeepEquals(single.Json, runs.Single(x => S(x, "arch") == "riscv")));
    }

    [Fact]
    public void Profile_all_with_one_arch_runs_every_profile_and_a_finding_in_one_exits_4_naming_the_pair()
    {
        var r = Cli.Process(null, "fuzz", "--arch", "riscv", "--profile", "all", "--count", "2000", "--json");
        Assert.Equal(0, r.Code);
        var profiles = Items(r.Json, "runs").Select(x => S(x, "profile")).ToList();
        Assert.Equal(Items(Cli.Process(null, "arch", "list", "--json").Json, "architectures")
            .Single(a => S(a, "name") == "riscv").GetProperty("profiles").EnumerateArray().Select(p => p.GetString()), profiles);

        var h = Cli.Process(null, "fuzz", "--profile", "arm64:xen-4.22.0,arm64:xen-4.17,x86:series-v5", "--count", "3000", "--color", "never");
        Assert.Equal(4, h.Code);
        h.AssertNoStackTrace();
        Assert.Contains("arm64 xen-4.17: 2 finding(s) from valid use:", h.Out);
        Assert.DoesNotContain("xen-4.22.0: ", h.Out);
        Assert.Contains("3 pairs: 9000 operations in ", h.Out);
        Assert.Contains("1 with findings, 0 skipped", h.Out);
        var lines = h.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.All(lines, l => Assert.StartsWith("pmap: arm64 xen-4.17: finding at operation ", l));
    }

    [Theory]
    [InlineData("unknown architecture 'nope'", "--arch", "nope", "--profile", "all")]
    [InlineData("unknown profile 'nope' for arm32", "--arch", "all", "--profile", "nope")]
    [InlineData("--profile x86:all: x86 is not among --arch arm64", "--arch", "arm64", "--profile", "x86:all")]
    public void A_selection_that_names_nothing_loaded_is_a_usage_error(string message, params string[] selection)
    {
        var r = Cli.Process(null, ["fuzz", "--count", "10", "--json", .. selection]);
        Assert.Equal(2, r.Code);
        r.AssertNoStackTrace();
        Assert.Contains(message, r.Json.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public void A_plugin_that_fails_to_load_is_reported_and_the_others_run()
    {
        var plugins = Cli.TempPlugins("Pmap.Arch.Arm64", "Pmap.Arch.X86");
        var dll = Path.Combine(plugins, "Pmap.Arch.X86", "Pmap.Arch.X86.dll");
        File.WriteAllBytes(dll, [.. File.ReadAllBytes(dll).Take(300)]);
        var r = Cli.ProcessIn(Cli.BareHost, null, "fuzz", "--arch", "all", "--count", "2000", "--plugins", plugins, "--json");
        Assert.Equal(0, r.Code);
        Assert.Equal(["arm64"], Items(r.Json, "runs").Select(x => S(x, "arch")));
        Assert.Contains("Pmap.Arch.X86.dll", r.Err);
    }

    [Fact]
    public void A_plugin_that_throws_during_its_run_is_skipped_and_exits_3()
    {
        var plugins = Cli.TempPlugins("Pmap.Arch.X86");
        var hostile = Path.Combine(Cli.HostilePlugins, "Pmap.TestPlugin.Hostile");
        Directory.CreateDirectory(Path.Combine(plugins, "Pmap.TestPlugin.Hostile"));
        foreach (var f in Directory.GetFiles(hostile)) File.Copy(f, Path.Combine(plugins, "Pmap.TestPlugin.Hostile", Path.GetFileName(f)));
        var r = Cli.ProcessIn(Cli.BareHost, new Dictionary<string, string> { ["HOSTILE_PLUGIN"] = "map" },
            "fuzz", "--arch", "all", "--count", "2000", "--plugins", plugins, "--json");
        Assert.Equal(3, r.Code);
        Assert.DoesNotContain("   at ", r.Err);
        Assert.Equal(["x86"], Items(r.Json, "runs").Select(x => S(x, "arch")));
        var skipped = Assert.Single(Items(r.Json, "skipped"));
        Assert.Equal("hostile", S(skipped, "arch"));
        Assert.Equal("plugin", S(skipped.GetProperty("error"), "kind"));
        Assert.Contains("arch_pmap_map failed on purpose", S(skipped.GetProperty("error"), "message"));
        Assert.Contains("pmap: hostile ", r.Err);
        Assert.Equal(1, r.Json.GetProperty("totals").GetProperty("skipped").GetInt32());
    }

    [Fact]
    public void A_pair_whose_profile_is_refused_at_first_use_is_skipped_with_the_refusal_a_single_run_reports()
    {
        // The check at first use throws what a refused plugin throws; a pair is skipped with its line, not as an internal error.
        var refused = new Pmap.Hosting.PluginFolderException("plugin halfbroken was refused: architecture 'halfbroken' profile 'seed-v3': no");
        var error = CommandIo.KnownError(refused);
        Assert.NotNull(error);
        Assert.Equal(Pmap.Core.ErrorKind.Plugin, error.Kind);
        Assert.Equal(refused.Message, error.Message);
        Assert.Null(CommandIo.KnownError(new InvalidOperationException("a bug")));
    }
}
