using System.Text.Json;

namespace Pmap.Host.Tests;

/// <summary>
/// The installed tool's search: bundled plugins, then the per-user folder (PMAP_HOME), then PluginsPath; and the per-user settings.
/// </summary>
public class PluginFoldersTests
{
    private static string Home(params string[] plugins)
    {
        var home = Directory.CreateTempSubdirectory("pmap-home-").FullName;
        var folder = Cli.TempPlugins(plugins);
        Directory.Move(folder, Path.Combine(home, "plugins"));
        return home;
    }

    private static Dictionary<string, string> Env(string home, params (string Key, string Value)[] more)
    {
        var env = new Dictionary<string, string> { ["PMAP_HOME"] = home };
        foreach (var (k, v) in more) env[k] = v;
        return env;
    }

    private static JsonElement Arch(JsonElement list, string name) =>
        list.GetProperty("architectures").EnumerateArray().Single(a => a.GetProperty("name").GetString() == name);

    [Fact]
    public void Each_architecture_says_which_folder_it_came_from_and_the_first_folder_wins()
    {
        // User folder: riscv again (a duplicate of the bundled one) ; configured folder: x86 again.
        var home = Home("Pmap.Arch.RiscV");
        var configured = Cli.TempPlugins("Pmap.Arch.X86");
        var r = Cli.Process(Env(home), "arch", "list", "--json", "--plugins", configured);
        Assert.Equal(0, r.Code);
        Assert.Equal(("bundled", "plugins/Pmap.Arch.RiscV/Pmap.Arch.RiscV.dll"),
            (Arch(r.Json, "riscv").GetProperty("source").GetString(), Arch(r.Json, "riscv").GetProperty("path").GetString()));
        Assert.Equal("bundled", Arch(r.Json, "x86").GetProperty("source").GetString());

        // Each refused duplicate names its own path and the path of the plugin that provides the architecture.
        var failures = r.Json.GetProperty("failures").EnumerateArray().Select(f => f.GetProperty("error").GetString()!).ToList();
        Assert.Equal(2, failures.Count);
        var bundledRiscV = Path.Combine(Cli.PluginsFolder, "Pmap.Arch.RiscV");
        Assert.Contains(failures, f => f.StartsWith("architecture 'riscv' is provided twice: " + bundledRiscV, StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("architecture 'x86' is provided twice: ", StringComparison.Ordinal));

        var table = Cli.Process(Env(home), "arch", "list", "--plugins", configured);
        Assert.Contains("source", table.Out);
        Assert.Contains("failed plugins/Pmap.Arch.RiscV/Pmap.Arch.RiscV.dll: architecture 'riscv' is provided twice", table.Out);
    }

    [Fact]
    public void A_plugin_in_the_per_user_folder_loads_into_a_host_without_it()
    {
        var home = Home("Pmap.Arch.RiscV");
        var r = Cli.ProcessIn(Cli.BareHost, Env(home), "arch", "list", "--json");
        Assert.Equal(0, r.Code);
        var riscv = Arch(r.Json, "riscv");
        Assert.Equal(("user", "plugins/Pmap.Arch.RiscV/Pmap.Arch.RiscV.dll"),
            (riscv.GetProperty("source").GetString(), riscv.GetProperty("path").GetString()));
        Assert.Single(r.Json.GetProperty("architectures").EnumerateArray());

        var config = Cli.ProcessIn(Cli.BareHost, Env(home), "config", "--json").Json;
        var folders = config.GetProperty("pluginsFolders").EnumerateArray().Select(f => $"{f.GetProperty("source")} {f.GetProperty("path")}");
        Assert.Equal(["user " + Path.Combine(home, "plugins")], folders);
    }

    [Fact]
    public void The_per_user_settings_override_the_bundled_ones_and_the_environment_overrides_both()
    {
        // Bundled appsettings.json: Architecture arm64, NumFixPmap 8. The user's file sets both.
        var home = Home();
        File.WriteAllText(Path.Combine(home, "appsettings.json"), """{ "Architecture": "x86", "NumFixPmap": 16 }""");
        static Dictionary<string, (string? Value, string Source)> Settings(CliResult r) => r.Json.GetProperty("settings").EnumerateArray()
            .ToDictionary(e => e.GetProperty("key").GetString()!, e => (e.GetProperty("value").GetString(), e.GetProperty("source").GetString()!));

        var user = Settings(Cli.Process(Env(home), "config", "--json"));
        Assert.Equal("x86", user["Architecture"].Value);
        Assert.Contains(Path.Combine(home, "appsettings.json"), user["Architecture"].Source, StringComparison.Ordinal);
        Assert.Equal("16", user["NumFixPmap"].Value);

        var env = Settings(Cli.Process(Env(home, ("PMAP_NUMFIXPMAP", "12")), "config", "--json"));
        Assert.Equal(("12", "environment variable PMAP_NUMFIXPMAP"), env["NumFixPmap"]);
        Assert.Equal("x86", env["Architecture"].Value);

        // The command line beats the environment (PluginsPath: --plugins over PMAP_PLUGINSPATH).
        var cli = Settings(Cli.Process(Env(home, ("PMAP_PLUGINSPATH", "/nonexistent")), "config", "--json", "--plugins", Cli.PluginsFolder));
        Assert.Equal((Cli.PluginsFolder, "command line"), cli["PluginsPath"]);
    }
}
