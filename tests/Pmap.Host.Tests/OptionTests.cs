namespace Pmap.Host.Tests;

/// <summary>Options that agree across commands (docs/CLI.md section 4a): one spelling, lists and ranges, notes, suggestions.</summary>
public class OptionTests
{
    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string Note(string old, string use) => $"pmap: {old} is deprecated, use {use}; it will be removed in the next release";

    [Fact]
    public void Old_spellings_still_work_with_one_line_on_stderr_naming_the_new_one()
    {
        // translate --boot-ram: the same walk as --ram-size (the directmap page exists only after the boot scenario).
        string[] walk = ["translate", "--arch", "arm64", "--va", "0x800000001000", "--json"];
        var now = Cli.Run([.. walk, "--ram-size", "2G"]);
        var old = Cli.Run([.. walk, "--boot-ram", "2G"]);
        Assert.Equal((0, ""), (old.Code, old.Out == now.Out ? "" : old.Out));
        Assert.Equal([Note("--boot-ram", "--ram-size 2G")], Lines(old.Err));
        Assert.Equal("", now.Err);

        var archs = Cli.Run("compare", "--archs", "arm64,x86", "--json");
        Assert.Equal(["arm64", "x86"], archs.Json.GetProperty("architectures").EnumerateArray().Select(a => a.GetProperty("arch").GetString()));
        Assert.Equal([Note("--archs", "--arch arm64,x86")], Lines(archs.Err));

        var ops = Cli.Run("fuzz", "--arch", "x86", "--ops", "50", "--json");
        Assert.Equal(50, ops.Json.GetProperty("ops").GetInt32());
        Assert.Equal([Note("--ops", "--count 50")], Lines(ops.Err));

        // --release is --xen-release-build: pmap.c's ASSERT(system_state < SYS_STATE_smp_boot) is not compiled in.
        string[] late = ["map", "--arch", "arm64", "--mfn", "0x12345", "--state", "smp_boot"];
        Assert.Equal(1, Cli.Run(late).Code);
        Assert.Equal(0, Cli.Run([.. late, "--xen-release-build"]).Code);
        var release = Cli.Run([.. late, "--release"]);
        Assert.Equal(0, release.Code);
        Assert.Equal([Note("--release", "--xen-release-build")], Lines(release.Err));

        // bench --gib N is --ram-size NG (checked before any work: 2000 GiB is beyond W3's 1024).
        var gib = Cli.Run("bench", "--workload", "W3", "--gib", "2000");
        Assert.Equal(2, gib.Code);
        Assert.Equal([Note("--gib", "--ram-size 2000G"), "pmap: --ram-size 2000G is out of range: expected 1G to 1024G"], Lines(gib.Err));
        Assert.Contains(Note("--n", "--count 0"), Cli.Run("bench", "--workload", "W1", "--n", "0").Err);

        // verify --scenario is --after, the word dump uses; its value is still checked (before QEMU starts).
        var scenario = Cli.Run("verify", "--arch", "arm64", "--scenario", "smp");
        Assert.Equal(2, scenario.Code);
        Assert.Equal([Note("--scenario", "--after smp"), "pmap: --scenario 'smp' is not a scenario: expected boot or map"], Lines(scenario.Err));
        var after = Cli.Run("verify", "--arch", "arm64", "--after", "bot");
        Assert.Equal((2, "pmap: --after 'bot' is not a scenario (did you mean boot?): expected boot or map"), (after.Code, after.Err.Trim()));
    }

    [Fact]
    public void Old_spellings_are_not_in_help()
    {
        (string, string)[] olds = [("bench", "--gib"), ("bench", "--n "), ("fuzz", "--ops"), ("compare", "--archs"), ("translate", "--boot-ram"),
            ("map", "--release"), ("verify", "--scenario")];
        foreach (var (cmd, old) in olds)
        {
            var help = Cli.Run(cmd, "--help").Out;
            Assert.DoesNotContain(old, help);
        }
        Assert.Contains("--xen-release-build", Cli.Run("map", "--help").Out);
        Assert.Contains("--ram-size", Cli.Run("bench", "--help").Out);
        Assert.Contains("--count", Cli.Run("fuzz", "--help").Out);
    }

    [Fact]
    public void Help_names_completed_values_without_listing_every_completion()
    {
        var help = Cli.Run("compare", "--help").Out;
        Assert.Contains("--profile <PROFILE>", help);
        Assert.Contains("--arch <ARCH>", help);
        Assert.DoesNotContain("arm32:xen-4.17.0", help); // the hundred ARCH:PROFILE completions
        Assert.Contains("--state <STATE>", Cli.Run("map", "--help").Out);
        Assert.Contains("--workload <W1|W2|W3>", Cli.Run("bench", "--help").Out);
    }

    [Fact]
    public void Mfn_takes_ranges_and_lists_in_every_command_that_maps()
    {
        static IEnumerable<string?> Mapped(CliResult r) => r.Json.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("mfn").GetString());

        // 1-8 is inclusive: the eight frames of the FIXADDR_TOP example, one pmap_map each.
        var range = Cli.Run("map", "--arch", "arm64", "--mfn", "1-8", "--json");
        Assert.Equal(0, range.Code);
        Assert.Equal(Enumerable.Range(1, 8).Select(i => $"0x{i:x}"), Mapped(range));
        Assert.Equal(["0x10", "0x20"], Mapped(Cli.Run("map", "--arch", "arm64", "--mfn", "0x10,0x20", "--json")));
        Assert.Equal(["0x10", "0x11", "0x12", "0x30"], Mapped(Cli.Run("map", "--arch", "x86", "--mfn", "0x10-0x12", "--mfn", "0x30", "--json")));

        // translate maps the list first. Arm 4.17: FIXMAP_ADDR(n) = 0x400000 + n * 4K, FIXMAP_PMAP_BEGIN = 2 + 64 ACPI pages = 66,
        // so the second slot, 67, is VA 0x443000 and holds the second frame.
        var t = Cli.Run("translate", "--arch", "arm64", "--profile", "xen-4.17", "--va", "0x443000", "--mfn", "0x10,0x20", "--json");
        Assert.Equal("0x20000", t.Json.GetProperty("pa").GetString());

        // dump --after map: each frame in its own PMAP range.
        var d = Cli.Run("dump", "--arch", "arm64", "--after", "map", "--mfn", "0x10,0x20", "--json");
        var pmap = d.Json.GetProperty("ranges").EnumerateArray()
            .Where(r => r.GetProperty("region").GetString()!.EndsWith("(PMAP)", StringComparison.Ordinal));
        Assert.Equal(["0x10000", "0x20000"], pmap.Select(r => r.GetProperty("pa").GetString()));

        var backwards = Cli.Run("map", "--mfn", "8-1");
        Assert.Equal((2, "pmap: --mfn range '8-1' runs backwards: write FIRST-LAST with FIRST <= LAST"), (backwards.Code, backwards.Err.Trim()));
        var two = Cli.Run("compare", "--mfn", "0x10,0x20");
        Assert.Equal((2, "pmap: --mfn '0x10,0x20' names 2 frames: compare maps one"), (two.Code, two.Err.Trim()));
        Assert.Contains("names more than 4096 frames", Cli.Run("map", "--mfn", "0-0xffffffff").Err);
    }

    [Fact]
    public void A_number_without_0x_where_Xen_writes_hex_gets_a_note()
    {
        var dec = Cli.Run("translate", "--arch", "arm64", "--va", "4096", "--json");
        var hex = Cli.Run("translate", "--arch", "arm64", "--va", "0x1000", "--json");
        Assert.Equal(hex.Out, dec.Out); // read as decimal: the same VA
        Assert.Equal("pmap: note: --va 4096 is read as decimal, 0x1000; write 0x4096 if you meant hex", dec.Err.Trim());
        Assert.Equal("", hex.Err);
        Assert.Contains("note: --mfn 16 is read as decimal, 0x10", Cli.Run("map", "--mfn", "16").Err);
        Assert.Contains("note: VALUE 255 is read as decimal, 0xff", Cli.Run("decode", "--arch", "x86", "255").Err);
        // --ram-base is a physical address: 1073741824 is 0x40000000, arm64's default bank, so the boot itself succeeds.
        var ramBase = Cli.Run("boot", "--arch", "arm64", "--ram-base", "1073741824", "--ram-size", "64M", "--json");
        Assert.Equal((0, "pmap: note: --ram-base 1073741824 is read as decimal, 0x40000000; write 0x1073741824 if you meant hex"),
            (ramBase.Code, ramBase.Err.Trim()));
        Assert.Equal("", Cli.Run("map", "--mfn", "1-8").Err); // single digits read the same in both
        Assert.DoesNotContain("note", Cli.Run("fuzz", "--arch", "x86", "--count", "20").Err); // a count is decimal by nature
    }

    [Theory]
    [InlineData("did you mean --ram-size?", "boot", "--ram-szie", "2G")]
    [InlineData("did you mean --unmap?", "map", "--mfn", "1", "--unamp")]
    [InlineData("did you mean --xen-release-build?", "map", "--mfn", "1", "--xen-relase-build")]
    [InlineData("did you mean translate?", "tanslate", "--va", "0x1")]
    [InlineData("unknown architecture 'arm46' (did you mean arm64?)", "layout", "--arch", "arm46")]
    [InlineData("unknown architecture 'x68' (did you mean x86?)", "layout", "--arch", "x68")]
    [InlineData("unknown profile 'xen-4.71' for arm64 (did you mean xen-4.17?)", "layout", "--arch", "arm64", "--profile", "xen-4.71")]
    [InlineData("--state 'erly_boot' is not a system state (did you mean early_boot?)", "map", "--mfn", "1", "--state", "erly_boot")]
    [InlineData("--after 'bot' is not a scenario (did you mean boot?)", "dump", "--after", "bot")]
    [InlineData("--color 'alwyas' is not valid (did you mean always?)", "layout", "--color", "alwyas")]
    [InlineData("--format 'sgv' is not an output format (did you mean svg?)", "layout", "--format", "sgv")]
    public void A_misspelt_option_or_value_suggests_the_right_one(string message, params string[] args)
    {
        var r = Cli.Run(args);
        Assert.Equal(2, r.Code);
        Assert.Contains(message, r.Err);
        Assert.Single(Lines(r.Err));
    }

    [Fact]
    public void A_word_far_from_every_option_gets_no_guess()
    {
        var r = Cli.Run("boot", "--frobnicate");
        Assert.Equal(2, r.Code);
        Assert.DoesNotContain("did you mean", r.Err);
    }

    [Fact]
    public void Compare_takes_one_arch_list_and_a_profile_per_architecture()
    {
        static List<(string?, string?)> Rows(CliResult r) => r.Json.GetProperty("architectures").EnumerateArray()
            .Select(a => (a.GetProperty("arch").GetString(), a.GetProperty("profile").GetString())).ToList();

        // xen-4.17 is an alias: the models report the release it resolves to only where the catalogue does; x86 keeps its default.
        var x86Default = Cli.Run("layout", "--arch", "x86", "--json").Json.GetProperty("profile").GetString();
        var r = Cli.Run("compare", "--arch", "arm64,x86", "--profile", "arm64:xen-4.17", "--json");
        Assert.Equal(0, r.Code);
        Assert.Equal([("arm64", "xen-4.17"), ("x86", x86Default)], Rows(r));
        // Two profiles of one architecture side by side; the pairs alone choose the columns.
        var twice = Cli.Run("compare", "--profile", "arm64:xen-4.17,arm64:upstream", "--json");
        Assert.Equal([("arm64", "xen-4.17"), ("arm64", "upstream")], Rows(twice));
        var stray = Cli.Run("compare", "--arch", "arm64", "--profile", "x86:series-v5");
        Assert.Equal((2, "pmap: --profile x86:series-v5: x86 is not among --arch arm64"), (stray.Code, stray.Err.Trim()));
        Assert.Contains("unknown profile 'xen-9' for arm64", Cli.Run("compare", "--arch", "arm64,x86", "--profile", "arm64:xen-9").Err);
    }

    [Fact]
    public void Ram_size_is_one_spelling_in_boot_translate_dump_and_bench()
    {
        foreach (var cmd in new[] { "boot", "translate", "dump", "bench" }) Assert.Contains("--ram-size", Cli.Run(cmd, "--help").Out);
        // dump --after boot --ram-size 1G: the directmap ranges add up to the bank, not to the default 2G.
        var d = Cli.Run("dump", "--arch", "arm64", "--ram-size", "1G", "--json");
        var directmap = d.Json.GetProperty("ranges").EnumerateArray().Where(r => r.GetProperty("region").GetString() == "directmap").ToList();
        Assert.Equal(1UL << 30, directmap.Aggregate(0UL, (s, r) => s + Convert.ToUInt64(r.GetProperty("size").GetString(), 16)));
        Assert.Equal("pmap: --ram-size is for --after boot, not --after map", Cli.Run("dump", "--after", "map", "--ram-size", "1G").Err.Trim());
        Assert.Equal("pmap: --mfn is for --after map, not --after boot", Cli.Run("dump", "--mfn", "0x10").Err.Trim());
        var half = Cli.Run("bench", "--workload", "W3", "--ram-size", "512M");
        Assert.Equal((2, "pmap: --ram-size 512M: the W3 workload maps whole GiB, e.g. 1G, 16G"), (half.Code, half.Err.Trim()));
    }

    [Fact]
    public void The_shell_can_complete_architectures_profiles_and_states()
    {
        static string[] Suggest(string line) => Lines(Cli.Process(null, $"[suggest:{line.Length}]", line).Out);

        Assert.Equal(["arm32", "arm64", "riscv", "x86"], Suggest("map --arch "));
        var arm64 = Suggest("layout --arch arm64 --profile ");
        Assert.Contains("xen-4.17", arm64);
        Assert.Contains("upstream", arm64);
        Assert.DoesNotContain("series-v5", arm64); // x86's
        Assert.Contains("arm64:xen-4.17", Suggest("compare --profile "));
        Assert.Contains("x86:series-v5", Suggest("compare --profile "));
        Assert.Equal(["active", "boot", "early_boot", "resume", "smp_boot", "suspend"], Suggest("map --state ")); // the shell's order
        Assert.Equal(["W1", "W2", "W3"], Suggest("bench --workload "));
    }
}
