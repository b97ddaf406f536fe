namespace Pmap.Host.Tests;

/// <summary>The real plugins folder, loaded the way the host loads it; broken plugins in a temp folder.</summary>
public class PluginLoadingTests
{
    [Fact]
    public void Arch_list_loads_the_arm64_plugin_from_the_plugins_folder()
    {
        var r = Cli.Run("arch", "list", "--json");
        Assert.Equal(0, r.Code);
        var arm64 = r.Json.GetProperty("architectures").EnumerateArray().Single(a => a.GetProperty("name").GetString() == "arm64");
        Assert.Equal("Pmap.Arch.Arm64", arm64.GetProperty("plugin").GetString());
        Assert.Equal("plugins/Pmap.Arch.Arm64/Pmap.Arch.Arm64.dll", arm64.GetProperty("path").GetString());
        var profiles = arm64.GetProperty("profiles").EnumerateArray().Select(p => p.GetString()).ToList();
        // The newest release first (the default), then upstream, seed-v3, the branch aliases and every release.
        Assert.Equal(new[] { "xen-4.22.0", "upstream", "seed-v3", "xen-4.17" }, profiles.Take(4));
        Assert.Equal(32 + 1 + 6, profiles.Count);
        Assert.Contains("xen-4.17.0", profiles);
        Assert.Equal("xen-4.22.0", arm64.GetProperty("defaultProfile").GetString());
        Assert.Equal("1.0.0", arm64.GetProperty("version").GetString());
    }

    [Theory]
    [InlineData("Pmap.Arch.Arm64")]
    [InlineData("Pmap.Arch.Arm32")]
    [InlineData("Pmap.Arch.X86")]
    [InlineData("Pmap.Arch.RiscV")]
    public void A_plugin_depends_on_the_contract_alone_not_on_the_host(string plugin)
    {
        // The plugin's dependency graph, as published: nothing of the loader, the command line or the console library.
        var deps = File.ReadAllText(Path.Combine(Cli.PluginsFolder, plugin, plugin + ".deps.json"));
        Assert.Contains(plugin, deps);
        foreach (var hostOnly in new[] { "McMaster.NETCore.Plugins", "System.CommandLine", "Spectre.Console", "Pmap.Hosting" })
            Assert.DoesNotContain(hostOnly, deps);
    }

    [Fact]
    public void The_host_references_no_architecture_assembly()
    {
        var deps = File.ReadAllText(Path.Combine(Cli.HostOutput, "pmap.deps.json"));
        Assert.DoesNotContain("Pmap.Arch", deps);
        Assert.False(File.Exists(Path.Combine(Cli.HostOutput, "Pmap.Arch.Arm64.dll")));
        Assert.True(File.Exists(Path.Combine(Cli.PluginsFolder, "Pmap.Arch.Arm64", "Pmap.Arch.Arm64.dll")));
        // A plugin folder holds the plugin and its private dependencies, never a copy of the contract.
        Assert.False(File.Exists(Path.Combine(Cli.PluginsFolder, "Pmap.Arch.Arm64", "Pmap.Port.dll")));
    }

    [Fact]
    public void A_garbage_dll_is_reported_on_one_line_and_the_others_still_load()
    {
        var dir = Cli.TempPlugins("Pmap.Arch.Arm64");
        Directory.CreateDirectory(Path.Combine(dir, "Bad"));
        File.WriteAllText(Path.Combine(dir, "Bad", "Bad.dll"), "this is not a PE file");

        var r = Cli.Run("arch", "list", "--plugins", dir);
        Assert.Equal(0, r.Code);
        var lines = r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Contains("Bad.dll", lines[0]);
        Assert.Contains("not a .NET assembly", lines[0]);
        Assert.Contains("arm64", r.Out);
        r.AssertNoStackTrace();

        var json = Cli.Run("arch", "list", "--json", "--plugins", dir).Json;
        Assert.Equal("not a .NET assembly", json.GetProperty("failures")[0].GetProperty("error").GetString());
        Assert.Single(json.GetProperty("architectures").EnumerateArray());
    }

    [Fact]
    public void An_empty_plugins_folder_exits_3_with_one_json_document()
    {
        var dir = Cli.TempPlugins();
        var r = Cli.Run("arch", "list", "--json", "--plugins", dir);
        Assert.Equal(3, r.Code);
        Assert.Equal("plugin", r.Json.GetProperty("error").GetProperty("kind").GetString());
        Assert.Contains("no architecture plugins", r.Err);
        r.AssertNoStackTrace();
    }

    [Fact]
    public void A_missing_plugins_folder_exits_3_naming_it()
    {
        var missing = Path.Combine(Path.GetTempPath(), "pmap-no-such-folder-" + Guid.NewGuid().ToString("n"));
        var r = Cli.Run("layout", "--plugins", missing);
        Assert.Equal(3, r.Code);
        Assert.Contains(missing, r.Err);
        Assert.Contains("does not exist", r.Err);
        Assert.Single(r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        r.AssertNoStackTrace();
    }

    [Fact]
    public void A_plugin_folder_without_its_dll_is_reported()
    {
        var dir = Cli.TempPlugins("Pmap.Arch.Arm64");
        Directory.CreateDirectory(Path.Combine(dir, "Empty"));
        var r = Cli.Run("arch", "list", "--json", "--plugins", dir);
        Assert.Equal(0, r.Code);
        Assert.Contains("no Empty.dll", r.Json.GetProperty("failures")[0].GetProperty("error").GetString());
    }

    [Fact]
    public void The_built_binary_runs_as_a_process_with_plugins_beside_it()
    {
        var r = Cli.Process(null, "arch", "list", "--json");
        Assert.Equal(0, r.Code);
        Assert.Contains("arm64", r.Out);
    }
}
