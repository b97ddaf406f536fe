namespace Pmap.Host.Tests;

/// <summary>pmap hazards with a reviewer's sequence in place of a PMAP hook's (--map-seq, --unmap-seq) and --litmus.</summary>
public class HazardsSequenceCliTests
{
    private static List<(string Rule, string Function)> Hazards(CliResult r) => r.Json.GetProperty("hazards").EnumerateArray()
        .Select(h => (h.GetProperty("rule").GetString()!, h.GetProperty("function").GetString()!)).Distinct().ToList();

    [Fact]
    public void The_4_17_map_sequence_given_on_upstream_misses_the_isb_and_with_it_is_clean()
    {
        // 4.17's arch_pmap_map is write_pte alone, dsb sy; str; dsb sy; feaa9aca87 added the isb (docs/XEN_FACTS.md).
        var r = Cli.Run("hazards", "--arch", "arm64", "--profile", "upstream", "--map-seq", "dsb sy; str; dsb sy", "--json");
        Assert.Equal(4, r.Code);
        Assert.Equal([("ARM-NEW-ISB", "arch_pmap_map")], Hazards(r));
        Assert.Equal("dsb sy; str; dsb sy", r.Json.GetProperty("mapSequence").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, r.Json.GetProperty("unmapSequence").ValueKind);
        Assert.Equal(0, Cli.Run("hazards", "--arch", "arm64", "--profile", "upstream", "--map-seq", " DSB  SY;pte; dsb sy ; isb").Code);
    }

    [Fact]
    public void An_unmap_sequence_alone_replaces_only_the_unmap()
    {
        // No isb after the completing dsb: a later access may still use the stale translation.
        var r = Cli.Run("hazards", "--arch", "arm64", "--profile", "upstream", "--unmap-seq", "str; dsb sy; tlbi vae2; dsb sy", "--json");
        Assert.Equal(4, r.Code);
        Assert.Contains(("ARM-RM-ISB", "arch_pmap_unmap"), Hazards(r));
        Assert.DoesNotContain(Hazards(r), h => h.Function == "arch_pmap_map");
        // x86: l1e_write then invlpg; without the invlpg the removed entry stays in the TLB.
        Assert.Equal(0, Cli.Run("hazards", "--arch", "x86", "--unmap-seq", "mov; invlpg").Code);
        r = Cli.Run("hazards", "--arch", "x86", "--unmap-seq", "mov", "--json");
        Assert.Equal(4, r.Code);
        Assert.Contains(("X86-RM-INVLPG", "arch_pmap_unmap"), Hazards(r));
    }

    [Fact]
    public void Why_judges_each_word_of_the_given_sequence()
    {
        var r = Cli.Run("hazards", "--arch", "arm64", "--profile", "upstream", "--map-seq", "dsb sy; str; dsb sy; isb", "--why", "--json");
        Assert.Equal(0, r.Code);
        var map = r.Json.GetProperty("why").EnumerateArray().Where(w => w.GetProperty("function").GetString() == "arch_pmap_map")
            .Select(w => w.GetProperty("instruction").GetString()!.Split(' ')[0] + " " + w.GetProperty("verdict").GetString()).ToList();
        // herd7 VMSA: the leading dsb is not needed; the store, the dsb after it and the isb are.
        Assert.Equal(["dsb redundant", "str needed", "dsb needed", "isb needed"], map);
    }

    [Theory]
    [InlineData("--map-seq", "dsb sy; stx; dsb sy", "'stx' is not an instruction of arm64; its vocabulary: str, dsb sy,")]
    [InlineData("--unmap-seq", "dsb sy; isb", "--unmap-seq: the sequence has no PTE store")]
    [InlineData("--map-seq", " ; ", "--map-seq: the sequence is empty")]
    public void A_bad_sequence_is_a_usage_error_naming_the_word_and_the_vocabulary(string option, string sequence, string message)
    {
        var r = Cli.Run("hazards", "--arch", "arm64", option, sequence);
        Assert.Equal(2, r.Code);
        Assert.Contains(message, r.Err);
        Assert.Single(r.Err.Trim().Split('\n'));
        r.AssertNoStackTrace();
    }

    [Fact]
    public void Arm32_takes_its_own_mnemonics_in_any_case()
    {
        Assert.Equal(0, Cli.Run("hazards", "--arch", "arm32", "--profile", "upstream", "--unmap-seq",
            "strd; dsb sy; tlbimvah; dsb sy; isb").Code);
    }

    [Fact]
    public void Litmus_writes_each_checked_stream_and_each_less_one_instruction_whole()
    {
        var dir = Path.Combine(Path.GetTempPath(), "pmap-litmus-" + Guid.NewGuid().ToString("N"));
        try
        {
            var r = Cli.Run("hazards", "--arch", "arm64", "--profile", "upstream", "--map-seq", "str; dsb sy; isb", "--litmus", dir, "--json");
            Assert.Equal(0, r.Code);
            // map: 3 instructions, upstream unmap: dsb sy; str; dsb sy; dsb nshst; tlbi vae2; dsb nsh; isb (7).
            Assert.Equal(1 + 3 + 1 + 7, r.Json.GetProperty("litmus").GetArrayLength());
            Assert.Equal(12, Directory.GetFiles(dir).Length); // no temporary file left behind
            var map = File.ReadAllText(Path.Combine(dir, "arch_pmap_map.litmus"));
            Assert.StartsWith("AArch64 arch_pmap_map\n", map);
            Assert.Contains("P0 ;\nSTR X2,[X3] ;\nDSB SY ;\nISB ;\nL0: LDR W1,[X4] ;\n", map);
            Assert.Contains("exists(fault(P0:L0,x))", map);
            var unmap = File.ReadAllText(Path.Combine(dir, "arch_pmap_unmap-without-4.litmus"));
            Assert.DoesNotContain("TLBI", unmap);
            Assert.Contains("exists(fault(P0:L1,x) \\/ ~fault(P0:L0,x))", unmap);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
        var x86 = Cli.Run("hazards", "--arch", "x86", "--litmus", dir);
        Assert.Equal(2, x86.Code);
        Assert.Contains("--litmus: x86 has no formal model", x86.Err);
    }
}
