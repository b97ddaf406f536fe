namespace Pmap.Host.Tests;

public class HazardsCliTests
{
    [Theory]
    [InlineData("arm64")]
    [InlineData("arm32")]
    public void The_4_17_missing_isb_after_the_pmap_store_is_found_and_upstream_is_clean(string arch)
    {
        var r = Cli.Run("hazards", "--arch", arch, "--profile", "xen-4.17", "--json");
        Assert.Equal(4, r.Code);
        var end = r.Json.GetProperty("hazards").EnumerateArray().First(h => h.GetProperty("where").GetString() == "end-of-function");
        Assert.Equal(("ARM-NEW-ISB", "arch_pmap_map"), (end.GetProperty("rule").GetString(), end.GetProperty("function").GetString()));
        Assert.Contains("D8.13 'Translation Lookaside Buffers'", end.GetProperty("citation").GetString());
        Assert.Equal("<missing: isb>", end.GetProperty("sequence").EnumerateArray().Last().GetString());
        Assert.Equal(0, Cli.Run("hazards", "--arch", arch, "--profile", "upstream").Code);
    }

    private static Dictionary<string, string> Env(string key, string value) => new() { ["PMAP_ARCHITECTURES__RISCV__" + key] = value };

    [Fact]
    public void Riscv_without_the_map_sfence_or_with_svade_has_hazards_and_upstream_x86_have_none()
    {
        var r = Cli.Process(Env("MAPSFENCE", "false"), "hazards", "--arch", "riscv", "--json");
        Assert.Equal(4, r.Code);
        Assert.Equal("RV-NEW-SFENCE", r.Json.GetProperty("hazards")[0].GetProperty("rule").GetString());
        r = Cli.Process(Env("ADBEHAVIOUR", "svade"), "hazards", "--arch", "riscv", "--json");
        Assert.Equal(4, r.Code);
        var svade = r.Json.GetProperty("hazards")[0];
        Assert.Equal(("RV-SVADE", "use"), (svade.GetProperty("rule").GetString(), svade.GetProperty("where").GetString()));
        Assert.Equal(0, Cli.Run("hazards", "--arch", "riscv", "--profile", "upstream").Code);
        Assert.Equal(0, Cli.Run("hazards", "--arch", "x86").Code);
    }

    [Fact]
    public void Why_names_the_rule_each_unmap_instruction_is_for()
    {
        var r = Cli.Run("hazards", "--arch", "arm64", "--profile", "upstream", "--why", "--json");
        Assert.Equal(0, r.Code);
        var unmap = r.Json.GetProperty("why").EnumerateArray().Where(w => w.GetProperty("function").GetString() == "arch_pmap_unmap")
            .Select(w => (w.GetProperty("instruction").GetString()!.Split(' ')[0] + " " + w.GetProperty("verdict").GetString())).ToList();
        // flush_xen_tlb_range_va_local upstream: dsb nshst; tlbi vae2; dsb nsh; isb, after write_pte's dsb sy; str; dsb sy.
        Assert.Equal(
            ["dsb redundant", "str needed", "dsb jointly-necessary", "dsb jointly-necessary", "tlbi needed", "dsb needed", "isb needed"], unmap);
    }

    [Fact]
    public void Human_output_is_one_line_per_hazard_then_the_marked_sequence()
    {
        var r = Cli.Run("hazards", "--arch", "arm64", "--profile", "xen-4.17");
        Assert.Equal(4, r.Code);
        Assert.Contains("ARM-NEW-ISB at the end of arch_pmap_map:", r.Out);
        Assert.Contains("arch_pmap_map: dsb sy; str xen_fixmap[66] = 0x", r.Out);
        Assert.Contains("dsb sy; <missing: isb>", r.Out);
    }
}
