namespace Pmap.Host.Tests;

/// <summary>What a new user types wrong: one clear line on stderr, the documented exit code, no stack trace.</summary>
public class BadInputTests
{
    private static CliResult Expect(int code, string messagePart, params string[] args)
    {
        var r = Cli.Run(args);
        Assert.Equal(code, r.Code);
        Assert.Contains(messagePart, r.Err);
        Assert.Single(r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => !l.Contains("plugin "));
        r.AssertNoStackTrace();
        return r;
    }

    [Fact] public void Misspelled_command() => Expect(2, "mpa", "mpa", "--mfn", "1");
    [Fact] public void Misspelled_option() => Expect(2, "--mnf", "map", "--mnf", "1");
    [Fact] public void Mfn_not_a_number() => Expect(2, "'xyz'", "map", "--mfn", "xyz");
    [Fact] public void Mfn_negative() => Expect(2, "negative", "map", "--mfn", "-1");
    [Fact] public void Mfn_overflowing_64_bits() => Expect(2, "0x1ffffffffffffffff", "map", "--mfn", "0x1ffffffffffffffff");
    [Fact] public void Unknown_arch() => Expect(2, "unknown architecture 'sparc'", "layout", "--arch", "sparc");
    [Fact] public void Unknown_profile() => Expect(2, "unknown profile 'xen-9.99'", "layout", "--arch", "arm64", "--profile", "xen-9.99");
    [Fact] public void Ram_size_zero() => Expect(2, "--ram-size 0", "boot", "--arch", "arm64", "--ram-size", "0");
    [Fact] public void Ram_size_garbage() => Expect(2, "'lots'", "boot", "--arch", "arm64", "--ram-size", "lots");
    [Fact] public void Ram_beyond_the_pa_bits() => Expect(2, "48-bit physical address space", "boot", "--arch", "arm64", "--ram-size", "1024T");
    [Fact] public void Unknown_state() => Expect(2, "--state 'late'", "map", "--mfn", "1", "--state", "late");
    [Fact] public void Bad_level() => Expect(2, "level '7'", "decode", "--arch", "arm64", "0x1", "--level", "7");
    [Fact]
    public void Unknown_workload_is_refused_before_anything_runs_with_a_suggestion()
    {
        var r = Expect(2, "--workload 'W11' is not a workload: expected W1, W2 or W3 (did you mean W1?)", "bench", "--workload", "W11");
        Assert.Equal("", r.Out);
    }

    [Fact] public void Num_fix_pmap_zero_on_the_command_line() => Expect(2, "--num-fix-pmap", "layout", "--num-fix-pmap", "0");

    [Fact]
    public void Mfn_beyond_the_pa_bits_is_refused_by_decode_and_translate_and_asserted_by_map()
    {
        Expect(2, "48-bit physical addresses", "translate", "--arch", "arm64", "--va", "0x442000", "--mfn", "0x1000000000");
        // pmap_map takes any MFN; Xen's own check is mfn_to_xen_entry's ASSERT.
        var r = Expect(1, "!(mfn_to_maddr(mfn) & ~PADDR_MASK)", "map", "--arch", "arm64", "--mfn", "0x1000000000", "--json");
        Assert.Equal("assert", r.Json.GetProperty("error").GetProperty("kind").GetString());
        Assert.Equal("mfn_to_xen_entry", r.Json.GetProperty("error").GetProperty("where").GetString());
    }

    [Fact]
    public void Va_beyond_the_va_bits()
    {
        var r = Expect(2, "48-bit VA", "translate", "--arch", "arm64", "--va", "0x1000000000000", "--json");
        Assert.Equal("usage", r.Json.GetProperty("error").GetProperty("kind").GetString());
    }

    [Fact]
    public void Malformed_config_file_exits_3()
    {
        var file = Path.GetTempFileName();
        File.WriteAllText(file, "{ this is not json");
        Expect(3, "not valid JSON", "layout", "--config", file);
    }

    [Fact]
    public void Invalid_values_in_configuration_exit_3_naming_key_and_source()
    {
        var file = Path.GetTempFileName();
        File.WriteAllText(file, """{"NumFixPmap": 0}""");
        var r = Expect(3, "NumFixPmap", "layout", "--config", file, "--json");
        Assert.Contains(Path.GetFileName(file), r.Err);
        Assert.Equal("config", r.Json.GetProperty("error").GetProperty("kind").GetString());

        File.WriteAllText(file, """{"Architectures": {"arm64": {"Profile": "xen-9"}}}""");
        Expect(3, "Architectures:arm64:Profile", "layout", "--arch", "arm64", "--config", file);

        File.WriteAllText(file, """{"NumFixPmap": 65, "Architectures": {"arm64": {"Profile": "seed-v3"}}}""");
        Expect(3, "BUILD_BUG_ON(sizeof(inuse) * BITS_PER_BYTE < NUM_FIX_PMAP)", "layout", "--arch", "arm64", "--config", file);
    }

    [Fact]
    public void Environment_variables_configure_and_are_validated()
    {
        var ok = Cli.Process(new Dictionary<string, string> { ["PMAP_NUMFIXPMAP"] = "16" }, "layout", "--arch", "arm64", "--json");
        Assert.Equal(0, ok.Code);
        Assert.Equal(16, ok.Json.GetProperty("numFixPmap").GetInt32());

        var bad = Cli.Process(new Dictionary<string, string> { ["PMAP_NUMFIXPMAP"] = "zero" }, "layout");
        Assert.Equal(3, bad.Code);
        Assert.Contains("environment variable PMAP_NUMFIXPMAP", bad.Err);
        bad.AssertNoStackTrace();

        var profile = Cli.Process(new Dictionary<string, string> { ["PMAP_ARCHITECTURES__ARM64__PROFILE"] = "upstream" },
            "layout", "--arch", "arm64", "--json");
        Assert.Equal("upstream", profile.Json.GetProperty("profile").GetString());
    }
}

public class SmallArchitectureTests
{
    [Fact]
    public void A_terabyte_bank_does_not_fit_arm32()
    {
        var r = Cli.Run("boot", "--arch", "arm32", "--ram-size", "1T");
        Assert.Equal(2, r.Code);
        Assert.Contains("40-bit physical address space", r.Err);
        r.AssertNoStackTrace();
    }

    [Fact]
    public void A_va_beyond_32_bits_is_refused_on_arm32()
    {
        var r = Cli.Run("translate", "--arch", "arm32", "--va", "0x100000000");
        Assert.Equal(2, r.Code);
        Assert.Contains("32-bit VA", r.Err);
    }

    [Fact]
    public void Arm32_map_beyond_40_bits_exits_1_with_the_paddr_assert()
    {
        var r = Cli.Run("map", "--arch", "arm32", "--mfn", "0x10000000", "--json");
        Assert.Equal(1, r.Code);
        Assert.Equal("!(mfn_to_maddr(mfn) & ~PADDR_MASK)", r.Json.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public void Compare_arm64_and_arm32_shows_their_differences()
    {
        var r = Cli.Run("compare", "--arch", "arm64,arm32", "--json");
        Assert.Equal(0, r.Code);
        var a = r.Json.GetProperty("architectures");
        Assert.Equal((4, 3), (a[0].GetProperty("levels").GetInt32(), a[1].GetProperty("levels").GetInt32()));
        Assert.Equal((48, 32), (a[0].GetProperty("vaBits").GetInt32(), a[1].GetProperty("vaBits").GetInt32()));
        Assert.Equal((48, 40), (a[0].GetProperty("paBits").GetInt32(), a[1].GetProperty("paBits").GetInt32()));
        Assert.Equal(("str", "strd"), (a[0].GetProperty("storeOp").GetString(), a[1].GetProperty("storeOp").GetString()));
        Assert.Equal(("tlbi vae2", "TLBIMVAH"), (a[0].GetProperty("tlbFlushOp").GetString(), a[1].GetProperty("tlbFlushOp").GetString()));
        Assert.Equal(a[0].GetProperty("pte").GetString(), a[1].GetProperty("pte").GetString()); // the same lpae_t
    }
}
