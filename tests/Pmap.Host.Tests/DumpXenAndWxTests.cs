using System.Globalization;
using System.Text.RegularExpressions;

namespace Pmap.Host.Tests;

/// <summary>
/// `pmap dump --format xen`: each walk as Xen's dump_hyp_walk prints it, so a console log can be diffed against it; and
/// `dump --check-wx`: Linux ptdump's W+X check.
/// </summary>
public class DumpXenAndWxTests
{
    // Xen's printk formats (arch/arm/mm.c in RELEASE-4.17.0, arch/arm/mmu/pt.c from 4.19): "Walking Hypervisor VA 0x%"PRIvaddr" on
    // CPU%d via TTBR 0x%016"PRIx64 (PRIvaddr is PRIx64 on arm64: unpadded), then "%s[0x%03x] = 0x%"PRIpaddr per level, PRIpaddr
    // "016lx" in 4.17; 64c21916167e (4.18.0) prints the entry with PRIx64, unpadded.
    private static readonly Regex Header = new(@"^\(XEN\) Walking Hypervisor VA 0x([0-9a-f]+) on CPU0 via TTBR 0x([0-9a-f]{16})$");
    private static readonly Regex Padded = new(@"^\(XEN\) (0TH|1ST|2ND|3RD)\[0x([0-9a-f]{3})\] = 0x([0-9a-f]{16})$");
    private static readonly Regex Unpadded = new(@"^\(XEN\) (0TH|1ST|2ND|3RD)\[0x([0-9a-f]{3})\] = 0x([1-9a-f][0-9a-f]*|0)$");

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>
    /// The walk of a directmap VA after boot names the levels and entries that `translate` (the model's own walker) reads on the
    /// same machine, and the TTBR is the root table `dump --tables` lists first.
    /// </summary>
    [Theory]
    [InlineData("xen-4.17.0", true)]
    [InlineData("xen-4.17.7", true)]
    [InlineData("xen-4.18.0", false)]
    [InlineData("upstream", false)]
    public void Arm64_walk_is_dump_hyp_walk_and_agrees_with_translate(string profile, bool padded)
    {
        const string va = "0x800000001000"; // DIRECTMAP_VIRT_START + 4 KiB: a 1 GiB block at level 1
        var r = Cli.Run("dump", "--arch", "arm64", "--profile", profile, "--format", "xen", "--va", va);
        Assert.Equal(0, r.Code);
        var lines = Lines(r.Out);
        var header = Header.Match(lines[0]);
        Assert.True(header.Success, lines[0]);
        Assert.Equal(va[2..], header.Groups[1].Value);
        var root = Cli.Run("dump", "--arch", "arm64", "--profile", profile, "--tables", "--json").Json.GetProperty("tables")[0];
        Assert.Equal(Convert.ToUInt64(root.GetProperty("address").GetString(), 16), ulong.Parse(header.Groups[2].Value, NumberStyles.HexNumber));
        var steps = Cli.Run("translate", "--arch", "arm64", "--profile", profile, "--va", va, "--ram-size", "2G", "--json").Json
            .GetProperty("levels").EnumerateArray().ToList();
        Assert.Equal(steps.Count, lines.Length - 1);
        string[] levelStrs = ["0TH", "1ST", "2ND", "3RD"];
        for (var i = 0; i < steps.Count; i++)
        {
            var m = (padded ? Padded : Unpadded).Match(lines[i + 1]);
            Assert.True(m.Success, lines[i + 1]);
            Assert.Equal(levelStrs[steps[i].GetProperty("level").GetInt32()], m.Groups[1].Value);
            Assert.Equal(steps[i].GetProperty("index").GetInt32(), int.Parse(m.Groups[2].Value, NumberStyles.HexNumber));
            Assert.Equal(Convert.ToUInt64(steps[i].GetProperty("entry").GetString(), 16), ulong.Parse(m.Groups[3].Value, NumberStyles.HexNumber));
        }
    }

    /// <summary>Without --va every range is walked from its first VA, down to its leaf: arm32 from level 1 (HYP_PT_ROOT_LEVEL 1).</summary>
    [Fact]
    public void Arm32_walks_every_range_from_level_1()
    {
        var r = Cli.Run("dump", "--arch", "arm32", "--format", "xen");
        Assert.Equal(0, r.Code);
        var lines = Lines(r.Out);
        var ranges = Cli.Run("dump", "--arch", "arm32", "--json").Json.GetProperty("ranges").GetArrayLength();
        Assert.Equal(ranges, lines.Count(l => Header.IsMatch(l)));
        Assert.All(lines.Where(l => !Header.IsMatch(l)), l => Assert.Matches(Unpadded, l));
        Assert.DoesNotContain(lines, l => l.Contains("0TH", StringComparison.Ordinal));
    }

    /// <summary>x86 has no dump_hyp_walk (show_page_walk prints M2P frames the model has not got): refused in one line.</summary>
    [Fact]
    public void Format_xen_on_x86_is_refused_in_one_line()
    {
        var r = Cli.Run("dump", "--arch", "x86", "--format", "xen");
        Assert.Equal(2, r.Code);
        Assert.Equal("", r.Out);
        Assert.StartsWith("pmap: --format xen: Xen on x86 has no page-walk dump", r.Err.Trim());
        Assert.Single(Lines(r.Err));
    }

    [Theory]
    [InlineData("--va is for --format xen", "dump", "--arch", "arm64", "--va", "0x1000")]
    [InlineData("--format xen and --json both choose the output", "dump", "--arch", "arm64", "--format", "xen", "--json")]
    [InlineData("--check-wx and --format svg both choose the output", "dump", "--arch", "arm64", "--format", "svg", "--check-wx")]
    public void Misused_options_are_usage_errors(string message, params string[] args)
    {
        var r = Cli.Run(args);
        Assert.Equal(2, r.Code);
        Assert.Contains(message, r.Err);
    }

    /// <summary>Xen's image is RX or RW, never both; the directmap and the fixmap are NX: every shipped port passes.</summary>
    [Theory]
    [InlineData("arm64")]
    [InlineData("arm32")]
    [InlineData("x86")]
    [InlineData("riscv")]
    public void Shipped_ports_have_no_wx_mapping(string arch)
    {
        var r = Cli.Run("dump", "--arch", arch, "--check-wx");
        Assert.Equal(0, r.Code);
        Assert.EndsWith("checked W+X mappings: passed, no W+X pages found", r.Out.Trim());
        var doc = Cli.Run("dump", "--arch", arch, "--check-wx", "--json");
        Assert.Equal(0, doc.Code);
        Assert.Equal(0, doc.Json.GetProperty("wxPages").GetInt32());
        Assert.Equal(0, doc.Json.GetProperty("wx").GetArrayLength());
    }

    /// <summary>
    /// The test architecture's format has no permission bits, so each of its mappings is W+X: after pmap_map of two frames, two
    /// PMAP pages are found (exit 4), each listed with its VA, in text and JSON alike.
    /// </summary>
    [Fact]
    public void A_wx_mapping_is_a_finding()
    {
        var r = Cli.Hostile("", "dump", "--arch", "hostile", "--after", "map", "--mfn", "0x10,0x20", "--check-wx");
        Assert.Equal(4, r.Code);
        var lines = Lines(r.Out);
        Assert.Equal(2, lines.Count(l => l.StartsWith("Found insecure W+X mapping at ", StringComparison.Ordinal)));
        Assert.EndsWith("checked W+X mappings: FAILED, 2 W+X pages found", lines[^1]);
        var j = Cli.Hostile("", "dump", "--arch", "hostile", "--after", "map", "--mfn", "0x10,0x20", "--check-wx", "--json");
        Assert.Equal(4, j.Code);
        Assert.Equal(2, j.Json.GetProperty("wxPages").GetInt32());
        Assert.All(j.Json.GetProperty("wx").EnumerateArray(), w => Assert.EndsWith("(PMAP)", w.GetProperty("region").GetString()));
    }
}
