namespace Pmap.Host.Tests;

/// <summary>`pmap config` shows what a command would use, and configuration nothing reads is named, not silently dropped.</summary>
public class ConfigSourceTests
{
    private static Dictionary<string, (string? Value, string? Source)> Settings(CliResult r) =>
        r.Json.GetProperty("settings").EnumerateArray().ToDictionary(s => s.GetProperty("key").GetString()!,
            s => (s.GetProperty("value").GetString(), s.GetProperty("source").GetString()));

    [Fact]
    public void Options_given_on_the_command_line_show_with_source_command_line()
    {
        var plain = Settings(Cli.Run("config", "--json"));
        Assert.Equal("arm64", plain["Architecture"].Value);
        Assert.StartsWith("file '", plain["Architecture"].Source); // the bundled appsettings.json

        var r = Cli.Run("config", "--arch", "x86", "--json");
        Assert.Equal(0, r.Code);
        Assert.Equal(("x86", "command line"), Settings(r)["Architecture"]);

        var all = Settings(Cli.Run("config", "--arch", "x86", "--profile", "series-v5", "--num-fix-pmap", "4", "--xen-release-build", "--json"));
        Assert.Equal(("series-v5", "command line"), all["Architectures:x86:Profile"]);
        Assert.Equal(("4", "command line"), all["NumFixPmap"]);
        Assert.Equal(("false", "command line"), all["Debug"]);
        Assert.Equal(plain["Architectures:arm64:Profile"], all["Architectures:arm64:Profile"]); // --profile is for --arch only

        // ARCH:PROFILE pairs (compare's and report's) set each named architecture's profile, and only those.
        var pairs = Settings(Cli.Run("config", "--profile", "arm64:xen-4.17,riscv:upstream", "--json"));
        Assert.Equal(("xen-4.17", "command line"), pairs["Architectures:arm64:Profile"]);
        Assert.Equal(("upstream", "command line"), pairs["Architectures:riscv:Profile"]);
        Assert.Equal(plain["Architectures:x86:Profile"], pairs["Architectures:x86:Profile"]);
        Assert.Equal(2, Cli.Run("config", "--profile", "arm64:xen-9.9").Code);

        // A value no command would accept is refused here too, as a usage error.
        Assert.Equal(2, Cli.Run("config", "--arch", "sparc").Code);
        Assert.Equal(2, Cli.Run("config", "--arch", "x86", "--profile", "xen-4.17").Code);
    }

    [Fact]
    public void An_unknown_environment_variable_is_named_in_one_warning_and_the_command_still_runs()
    {
        var r = Cli.Process(new Dictionary<string, string> { ["PMAP_ARCHTECTURE"] = "x86" }, "layout", "--json");
        Assert.Equal(0, r.Code);
        Assert.Equal("arm64", r.Json.GetProperty("arch").GetString()); // the misspelt key was not read
        Assert.Equal("pmap: warning: unknown configuration key 'ARCHTECTURE' (from environment variable PMAP_ARCHTECTURE) is ignored "
            + "(did you mean Architecture?); known keys are PluginsPath, Architecture, NumFixPmap, Debug, CapstoneLibrary, Architectures", r.Err.Trim());
        Assert.Contains("PMAP_ARCHTECTURE", Cli.Process(new Dictionary<string, string> { ["PMAP_ARCHTECTURE"] = "x86" }, "config").Err);
        // PMAP_HOME (every Cli.Process sets it) names the per-user folder: never a warning.
        Assert.Equal("", Cli.Process(null, "layout").Err);
    }

    [Fact]
    public void Unknown_keys_in_a_file_are_named_and_invalid_values_of_known_keys_stay_errors()
    {
        var file = Path.GetTempFileName();
        File.WriteAllText(file, """{"NumFixPmapp": 4, "Architectures": {"arm46": {"Profile": "upstream"}}}""");
        var r = Cli.Run("layout", "--config", file);
        Assert.Equal(0, r.Code);
        var lines = r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith($"pmap: warning: unknown configuration key 'NumFixPmapp' (from file '{file}') is ignored (did you mean NumFixPmap?)",
            lines[0]);
        Assert.StartsWith($"pmap: warning: configuration section 'Architectures:arm46' (from file '{file}') names no loaded architecture "
            + "(did you mean arm64?)", lines[1]);

        var bad = Cli.Process(new Dictionary<string, string> { ["PMAP_NUMFIXPMAP"] = "lots" }, "layout");
        Assert.Equal(3, bad.Code);
        Assert.Contains("NumFixPmap: 'lots' (from environment variable PMAP_NUMFIXPMAP) is not valid", bad.Err);
    }
}
