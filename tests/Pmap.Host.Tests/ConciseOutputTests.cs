using System.Text.RegularExpressions;

namespace Pmap.Host.Tests;

/// <summary>Issue 28 item 5 through the real binary: short help, one placeholder style, verify's summary, one slot range, named machines.</summary>
public partial class ConciseOutputTests
{
    [Fact]
    public void Pmap_alone_and_root_help_print_one_screen_of_grouped_commands()
    {
        var alone = Cli.Process(null);
        Assert.Equal(0, alone.Code);
        var help = Cli.Process(null, "--help");
        Assert.Equal(0, help.Code);
        Assert.Equal(alone.Out, help.Out);
        var lines = help.Out.TrimEnd('\n').Split('\n');
        Assert.True(lines.Length <= 40, $"{lines.Length} lines");
        Assert.Contains("Look at the model:", lines);
        Assert.Contains("Check it:", lines);
        // Every command pmap has is in it: the help cannot drift from the commands.
        var listed = lines.Where(l => l.StartsWith("  ", StringComparison.Ordinal)).Select(l => l.Trim().Split(' ')[0]).ToHashSet();
        foreach (var command in new[] { "layout", "versions", "map", "decode", "translate", "compare", "boot", "dump", "report", "bench",
                     "config", "conformance", "fuzz", "verify", "hazards", "arch" })
        {
            Assert.Contains(command, listed);
            Assert.Equal(0, Cli.Run(command, "--help").Code);
        }
        // A command's own help still has its options and examples.
        Assert.Contains("Examples:", Cli.Run("map", "--help").Out);
    }

    [Fact]
    public void Every_placeholder_in_help_is_upper_case_or_a_list_of_values()
    {
        foreach (var command in new[] { "layout", "map", "translate", "dump", "report", "verify", "hazards", "fuzz", "boot", "decode" })
            foreach (Match m in Placeholder().Matches(Cli.Run(command, "--help").Out))
                Assert.Matches("^<([A-Z0-9.]+|[a-z0-9]+(\\|[a-z0-9]+)+|[A-Z0-9]+(\\|[A-Z0-9]+)+)>$", m.Value);
    }

    [Fact]
    public void Layout_and_compare_agree_on_x86s_pmap_slots_FIX_PMAP_BEGIN_to_FIX_PMAP_END()
    {
        // The x86 series' enum: FIX_PMAP_BEGIN = 4, FIX_PMAP_END = FIX_PMAP_BEGIN + NUM_FIX_PMAP = 12 (docs/XEN_FACTS.md).
        var layout = Cli.Run("layout", "--arch", "x86", "--json").Json;
        Assert.Equal((4, 12), (layout.GetProperty("pmapBegin").GetInt32(), layout.GetProperty("pmapEnd").GetInt32()));
        Assert.Contains("PMAP slots 4..12", Cli.Run("layout", "--arch", "x86").Out);
        Assert.Matches(@"PMAP slots\s+│ 4\.\.12", Cli.Run("compare", "--arch", "x86").Out);
        Assert.Matches(@"PMAP slots\s+│ 66\.\.73", Cli.Run("compare", "--arch", "arm64").Out);
    }

    [Fact]
    public void Translate_and_dump_name_the_machine_they_walk_in_the_same_words()
    {
        Assert.Contains("after setup_pagetables (no RAM mapped", Cli.Run("translate", "--va", "0x1000").Out);
        Assert.Contains("after boot (setup_pagetables, then RAM 0x40000000+1G mapped by map_pages_to_xen)",
            Cli.Run("translate", "--arch", "arm64", "--va", "0x1000", "--ram-size", "1G").Out);
        Assert.Contains("Xen's mappings after boot\n  (setup_pagetables, then the RAM bank mapped by map_pages_to_xen)",
            Cli.Run("dump").Out.ReplaceLineEndings("\n"));
    }

    // The port states what it leaves out; dump's walk bears it out (no range of region "xen image" where the image is not modelled).
    [Theory]
    [InlineData("x86", true)]
    [InlineData("riscv", true)]
    [InlineData("arm64", false)]
    [InlineData("arm32", false)]
    public void Dump_says_when_xens_image_is_not_modelled(string arch, bool missing)
    {
        var o = Cli.Run("dump", "--arch", arch).Out;
        Assert.Equal(missing, o.Contains($"not modelled on {arch}: Xen's own image mapping", StringComparison.Ordinal));
        Assert.Equal(!missing, o.Contains("xen image", StringComparison.Ordinal));
        if (!missing) Assert.DoesNotContain("not modelled on", o);
    }

    // Every view of one architecture prints the same line, from the port's one statement of it.
    [Theory]
    [InlineData("x86", "layout")]
    [InlineData("x86", "translate --va 0x1000")]
    [InlineData("x86", "map --mfn 1")]
    [InlineData("riscv", "layout")]
    [InlineData("riscv", "translate --va 0x1000")]
    [InlineData("riscv", "map --mfn 1 --unmap")]
    public void Translate_map_and_layout_say_what_the_port_does_not_model(string arch, string command)
    {
        var o = Cli.Run([.. command.Split(' '), "--arch", arch]).Out.ReplaceLineEndings("\n");
        Assert.Contains($"\nnot modelled on {arch}: Xen's own image mapping\n", o);
    }

    [Theory]
    [InlineData("layout")]
    [InlineData("translate --va 0x1000")]
    [InlineData("map --mfn 1")]
    public void A_port_that_models_its_image_gets_no_such_line(string command) =>
        Assert.DoesNotContain("not modelled", Cli.Run([.. command.Split(' '), "--arch", "arm64"]).Out);

    [Fact]
    public void Verify_lists_only_disagreements_and_a_summary_unless_all()
    {
        var quiet = Cli.Run("verify", "--arch", "riscv");
        if (quiet.Code == 3) return; // no QEMU here: VerifyOracleCliTests cover the refusal
        Assert.Equal(0, quiet.Code);
        Assert.DoesNotContain("│", quiet.Out);
        Assert.Matches(@"QEMU's MMU agrees with the model on all \d+ VAs", quiet.Out);
        var all = Cli.Run("verify", "--arch", "riscv", "--all");
        Assert.Equal(0, all.Code);
        var rows = all.Out.Split('\n').Count(l => l.Contains(" ok ", StringComparison.Ordinal) || l.TrimEnd().EndsWith("│ ok │", StringComparison.Ordinal));
        Assert.True(rows > 100, all.Out);
    }

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Placeholder();
}
