namespace Pmap.Host.Tests;

/// <summary>Inputs Xen itself would refuse or mishandle, each answered per the contract: one stderr line, the code, the JSON error.</summary>
public class ReliabilityTests
{
    /// <summary>
    /// The run ends with <paramref name="code"/>, one stderr line and a JSON "error" of <paramref name="kind"/>; returns its message.
    /// </summary>
    private static string Fails(int code, string kind, params string[] args)
    {
        var r = Cli.Process(null, [.. args, "--json"]);
        r.AssertNoStackTrace();
        Assert.True(code == r.Code, $"exit {r.Code}: {r.Err}");
        Assert.Single(r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var error = r.Json.GetProperty("error");
        Assert.Equal(kind, error.GetProperty("kind").GetString());
        return error.GetProperty("message").GetString()!;
    }

    [Theory]
    // 57 GiB from 0x80000000: the directmap ends at SLOTN(200) - 2G + 2G + 57G = 257 GiB, past Sv39's 256 GiB lower half.
    [InlineData("57G", "0x4040000000")]
    [InlineData("1T", "0x13200000000")]
    public void A_riscv_bank_whose_directmap_leaves_sv39_is_refused_at_input(string size, string end) =>
        Assert.Contains($"directmap up to VA {end}, past Sv39's 256 GiB", Fails(2, "usage", "boot", "--arch", "riscv", "--ram-size", size));

    [Fact]
    public void A_riscv_bank_just_inside_sv39_boots()
    {
        // 54 GiB: the directmap ends at 254 GiB.
        var r = Cli.Run("boot", "--arch", "riscv", "--ram-size", "54G", "--json");
        Assert.Equal(0, r.Code);
        Assert.Equal(54UL << 18, r.Json.GetProperty("verifiedPages").GetUInt64());
    }

    [Fact]
    public void An_x86_bank_above_directmap_size_is_refused_and_one_across_it_is_cut_as_setup_max_pdx_does()
    {
        Assert.Contains("above DIRECTMAP_SIZE (127488G)",
            Fails(2, "usage", "boot", "--arch", "x86", "--ram-base", "0xfffffffff000", "--ram-size", "4K"));
        // 249 × 512 GiB = 0x7c8000000000; a 2 MiB bank straddling it keeps the 1 MiB below.
        var r = Cli.Run("boot", "--arch", "x86", "--ram-base", "0x7c7ffff00000", "--ram-size", "2M", "--json");
        Assert.Equal(0, r.Code);
        Assert.Equal(256UL, r.Json.GetProperty("verifiedPages").GetUInt64());
    }

    [Theory]
    [InlineData("x86", "0xfffffffffffff", "52-bit")]
    [InlineData("riscv", "0x100000000000", "56-bit")] // 2^44: one past the largest 56-bit frame
    public void Map_refuses_a_frame_beyond_the_pa_where_xen_has_no_check(string arch, string mfn, string bits) =>
        Assert.Contains($"{bits} physical addresses", Fails(2, "usage", "map", "--arch", arch, "--mfn", mfn));

    [Fact]
    public void Map_keeps_arms_own_paddr_assert()
    {
        // mfn_to_xen_entry: ASSERT(!(mfn_to_maddr(mfn) & ~PADDR_MASK)), arm32's PADDR_BITS 40.
        Assert.Equal("!(mfn_to_maddr(mfn) & ~PADDR_MASK)", Fails(1, "assert", "map", "--arch", "arm32", "--mfn", "0x10000000"));
    }

    [Fact]
    public void Values_echoed_in_errors_are_cut_to_a_readable_length()
    {
        var message = Fails(2, "usage", "map", "--arch", "x86", "--mfn", new string('7', 200));
        Assert.Contains("'" + new string('7', 39) + "…'", message);
        Assert.True(message.Length < 300, message);
    }

    [Fact]
    public void Arm32_decode_shows_the_40_bit_address_and_flags_bits_above_it()
    {
        var fields = Cli.Run("decode", "--arch", "arm32", "0x0000ff0012345f7f", "--json").Json.GetProperty("fields").EnumerateArray().ToList();
        var address = fields.Single(f => f.GetProperty("name").GetString() == "OutputAddress");
        Assert.Equal(("39:12", "0x12345000"), (address.GetProperty("bits").GetString(), address.GetProperty("value").GetString()));
        var res0 = fields.Single(f => f.GetProperty("name").GetString() == "RES0");
        Assert.Equal(("51:40", "0xff"), (res0.GetProperty("bits").GetString(), res0.GetProperty("value").GetString()));
    }

    [Fact]
    public void X86_large_leaves_show_pat_apart_from_the_address_and_flag_reserved_bits()
    {
        // 0x1e3 = P|RW|A|D|PSE|G; bit 12 PAT; bits 20:13 = 0xa2 reserved in a 2 MiB leaf; address 0x12200000.
        var fields = Cli.Run("decode", "--arch", "x86", "--level", "2", "0x80000000123451e3", "--json").Json.GetProperty("fields").EnumerateArray()
            .ToDictionary(f => f.GetProperty("name").GetString()!, f => (f.GetProperty("bits").GetString(), f.GetProperty("value").GetString()));
        Assert.Equal(("12", "0x1"), fields["PAT"]);
        Assert.Equal(("20:13", "0xa2"), fields["Reserved"]);
        Assert.Equal(("51:21", "0x12200000"), fields["Address"]);
    }

    [Fact]
    public void Failing_conformance_is_exit_4_with_an_error_object_and_one_line() =>
        Assert.Contains("conformance checks fail for arm64 xen-4.17; the first:",
            Fails(4, "conformance", "conformance", "--arch", "arm64", "--profile", "xen-4.17"));

    [Theory]
    [InlineData("map", "--arch", "x86", "--mfn")]
    [InlineData("translate", "--arch", "x86", "--va")]
    public void An_option_missing_its_value_does_not_take_the_next_option(params string[] args) =>
        Assert.Contains("needs a value, but the next word is the option --json", Fails(2, "usage", args));

    [Fact]
    public void Help_has_no_json_form() => Assert.Contains("--help has no JSON form", Fails(2, "usage", "map", "--help"));

    [Fact]
    public void A_response_file_is_not_read()
    {
        var file = Path.GetTempFileName();
        File.WriteAllText(file, "secret-first-line\n");
        var message = Fails(2, "usage", "map", "--arch", "x86", "@" + file);
        Assert.DoesNotContain("secret-first-line", message);
        File.Delete(file);
    }

    [Fact]
    public void Bench_count_is_bounded() =>
        Assert.Contains("--count 1000000000000 is out of range", Fails(2, "usage", "bench", "--workload", "W1", "--count", "1000000000000"));

    [Fact]
    public async Task Ctrl_c_ends_with_one_line_and_130()
    {
        var psi = new System.Diagnostics.ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Cli.HostOutput,
        };
        foreach (var a in new[] { Path.Combine(Cli.HostOutput, "pmap.dll"), "fuzz", "--arch", "x86", "--count", "100000000" })
            psi.ArgumentList.Add(a);
        using var p = System.Diagnostics.Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        await Task.Delay(3000);
        using (var kill = System.Diagnostics.Process.Start("kill", ["-INT", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            kill.WaitForExit();
        Assert.True(p.WaitForExit(20_000));
        Assert.Equal(130, p.ExitCode);
        Assert.Equal("pmap: interrupted", (await err).Trim());
    }

    [Fact]
    public void Num_fix_pmap_that_breaks_the_layout_is_usage_from_the_command_line_and_config_from_the_environment()
    {
        Assert.StartsWith("--num-fix-pmap 512 breaks BUILD_BUG_ON", Fails(2, "usage", "layout", "--arch", "arm64", "--num-fix-pmap", "512"));
        var r = Cli.Process(new Dictionary<string, string> { ["PMAP_NUMFIXPMAP"] = "512" }, "layout", "--arch", "arm64", "--json");
        Assert.Equal(3, r.Code);
        Assert.Contains("(from environment variable PMAP_NUMFIXPMAP)", r.Json.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public void Config_files_that_are_not_files_are_usage_errors()
    {
        Assert.Equal("--config needs a file path", Fails(2, "usage", "layout", "--config", ""));
        Assert.Contains("is a directory, not a JSON file", Fails(2, "usage", "layout", "--config", Path.GetTempPath()));
        var fifo = Path.Combine(Path.GetTempPath(), $"pmap-fifo-{Guid.NewGuid():n}");
        using (var mk = System.Diagnostics.Process.Start("mkfifo", [fifo])) mk.WaitForExit();
        try
        {
            Assert.Contains("is a FIFO, not a regular file", Fails(2, "usage", "layout", "--config", fifo));
        }
        finally
        {
            File.Delete(fifo);
        }
    }

    [Theory]
    [InlineData("""{"NumFixPmap": {"a": 1}}""", "NumFixPmap: is an object or array")]
    [InlineData("""{"NumFixPmap": [8]}""", "NumFixPmap: is an object or array")]
    [InlineData("""{"Architectures": {"arm64": {"XenLoadAddress": "0x123"}}}""", "Architectures:arm64:XenLoadAddress: '0x123' (from file")]
    [InlineData("""{"Architectures": {"arm64": {"XenLoadAddress": {"a": 1}}}}""", "Architectures:arm64:XenLoadAddress: is an object or array: expected a single value (from file")]
    public void Config_values_of_the_wrong_shape_name_their_key_and_source(string json, string expected)
    {
        var file = Path.Combine(Path.GetTempPath(), $"pmap-{Guid.NewGuid():n}.json");
        File.WriteAllText(file, json);
        try
        {
            var message = Fails(3, "config", "layout", "--arch", "arm64", "--config", file);
            Assert.StartsWith(expected, message);
            Assert.Contains($"(from file '", message);
            Assert.Contains($"{Path.GetFileName(file)}')", message);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
