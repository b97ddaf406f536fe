namespace Pmap.Host.Tests;

/// <summary>
/// A port's options are declared: a misspelt one is named with a did-you-mean instead of silently checking the default port, an
/// invalid value stops every command naming the key and its source, and `config` and `arch list` show what each port reads.
/// </summary>
public class ArchOptionCliTests
{
    private static Dictionary<string, string> Env(string key, string value) => new() { [key] = value };

    private static string[] ErrLines(CliResult r) => r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [Fact]
    public void A_misspelt_option_in_the_environment_is_named_with_its_nearest_key_and_the_port_runs_on_its_default()
    {
        var r = Cli.Process(Env("PMAP_ARCHITECTURES__RISCV__MAPSFENSE", "false"), "hazards", "--arch", "riscv", "--json");
        Assert.Equal(0, r.Code); // the key is not read: upstream arch_pmap_map keeps its sfence.vma, so no hazard
        Assert.Empty(r.Json.GetProperty("hazards").EnumerateArray());
        var warning = Assert.Single(ErrLines(r));
        Assert.Equal("pmap: warning: unknown configuration key 'Architectures:RISCV:MAPSFENSE' (from environment variable "
            + "PMAP_ARCHITECTURES__RISCV__MAPSFENSE) is ignored (did you mean MapSfence?); riscv's keys are Profile, Svvptc, AdBehaviour, "
            + "MapSfence, XenLoadAddress", warning);

        // Spelt right, the option is read: without the sfence.vma after the PMAP store, the new-entry rule breaks (exit 4).
        var read = Cli.Process(Env("PMAP_ARCHITECTURES__RISCV__MAPSFENCE", "false"), "hazards", "--arch", "riscv", "--json");
        Assert.Equal(4, read.Code);
        Assert.Contains(read.Json.GetProperty("hazards").EnumerateArray(), h => h.GetProperty("rule").GetString() == "RV-NEW-SFENCE");
        Assert.Equal("", read.Err);
    }

    [Fact]
    public void A_misspelt_nested_option_in_a_file_is_named_as_a_misspelt_root_key_is()
    {
        var file = Path.GetTempFileName();
        File.WriteAllText(file, """{"Architectures": {"arm64": {"Tables": {"xen_fxmap": "0x97000"}, "XenLoadAdress": "0x40200000"}}}""");
        var r = Cli.Run("layout", "--arch", "arm64", "--config", file);
        Assert.Equal(0, r.Code);
        var lines = ErrLines(r);
        Assert.Equal(2, lines.Length);
        Assert.Contains(lines, l => l.StartsWith($"pmap: warning: unknown configuration key 'Architectures:arm64:Tables:xen_fxmap' (from file "
            + $"'{file}') is ignored (did you mean Tables:xen_fixmap?); arm64's keys are Profile, XenLoadAddress, SymbolsFile,", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith($"pmap: warning: unknown configuration key 'Architectures:arm64:XenLoadAdress' (from file "
            + $"'{file}') is ignored (did you mean XenLoadAddress?)", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("PMAP_ARCHITECTURES__RISCV__MAPSFENCE", "maybe", "Architectures:riscv:MapSfence", "true or false")]
    [InlineData("PMAP_ARCHITECTURES__RISCV__ADBEHAVIOUR", "svadu", "Architectures:riscv:AdBehaviour", "one of hardware, svade")]
    [InlineData("PMAP_ARCHITECTURES__X86__MAXXHCIPAGES", "0", "Architectures:x86:MaxXhciPages", "a whole number from 1 to 4096")]
    [InlineData("PMAP_ARCHITECTURES__ARM64__XENLOADADDRESS", "0x40201000", "Architectures:arm64:XenLoadAddress",
        "an address (0x hex or decimal) aligned to 0x200000")]
    public void An_invalid_value_stops_every_command_naming_the_key_and_its_source(string variable, string value, string key, string expected)
    {
        // layout of arm32 reads none of these: the value is refused at start all the same, as a bad root key is.
        var r = Cli.Process(Env(variable, value), "layout", "--arch", "arm32", "--json");
        Assert.Equal(3, r.Code);
        var error = r.Json.GetProperty("error");
        Assert.Equal("config", error.GetProperty("kind").GetString());
        Assert.Equal($"{key}: '{value}' (from environment variable {variable}) is not valid: expected {expected}",
            error.GetProperty("message").GetString());
        Assert.Equal("pmap: " + error.GetProperty("message").GetString(), r.Err.Trim());
    }

    [Fact]
    public void Config_lists_every_declared_option_with_its_value_and_source()
    {
        var settings = Cli.Process(Env("PMAP_ARCHITECTURES__RISCV__MAPSFENCE", "false"), "config", "--json").Json.GetProperty("settings")
            .EnumerateArray().ToDictionary(s => s.GetProperty("key").GetString()!,
                s => (s.GetProperty("value").GetString(), s.GetProperty("source").GetString()));
        Assert.Equal(("false", "environment variable PMAP_ARCHITECTURES__RISCV__MAPSFENCE"), settings["Architectures:riscv:MapSfence"]);
        Assert.Equal(("hardware", "default"), settings["Architectures:riscv:AdBehaviour"]);
        Assert.Equal(("128", "default"), settings["Architectures:x86:MaxIoApics"]); // MAX_IO_APICS, xen/arch/x86/include/asm/apicdef.h
        Assert.Equal(((string?)null, "default"), settings["Architectures:arm64:Tables:xen_fixmap"]); // the profile's build decides
        Assert.Equal(("0", "default"), settings["Architectures:arm32:XenheapMegabytes"]);
        Assert.DoesNotContain("Architectures:arm64:XenheapMegabytes", settings.Keys);
    }

    [Fact]
    public void Arch_list_gives_each_ports_options_with_type_default_allowed_values_and_meaning()
    {
        var archs = Cli.Run("arch", "list", "--json").Json.GetProperty("architectures").EnumerateArray()
            .ToDictionary(a => a.GetProperty("name").GetString()!, a => a.GetProperty("options").EnumerateArray().ToList());
        var riscv = archs["riscv"].ToDictionary(o => o.GetProperty("key").GetString()!);
        Assert.Equal(["Svvptc", "AdBehaviour", "MapSfence", "XenLoadAddress"], riscv.Keys);
        Assert.Equal("boolean", riscv["MapSfence"].GetProperty("type").GetString());
        Assert.Equal("true", riscv["MapSfence"].GetProperty("default").GetString());
        Assert.Equal(["hardware", "svade"], riscv["AdBehaviour"].GetProperty("allowed").EnumerateArray().Select(v => v.GetString()));
        Assert.All(archs.Values.SelectMany(o => o), o => Assert.False(string.IsNullOrWhiteSpace(o.GetProperty("meaning").GetString())));
        Assert.Contains(archs["arm64"], o => o.GetProperty("key").GetString() == "Tables:xen_pgtable"); // arm64's root (XEN_FACTS §3)
        Assert.Contains(archs["arm32"], o => o.GetProperty("key").GetString() == "Tables:cpu0_pgtable");

        var human = Cli.Run("arch", "list");
        Assert.Contains("riscv options: Svvptc=false, AdBehaviour=hardware|svade, MapSfence=true, XenLoadAddress=0x80200000", human.Out);
    }
}
