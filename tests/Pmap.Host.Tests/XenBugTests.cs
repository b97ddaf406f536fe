namespace Pmap.Host.Tests;

/// <summary>The two bugs of the posted patch, through the real binary's command line.</summary>
public class XenBugTests
{
    private static readonly string[] EightFrames = Enumerable.Range(1, 8).SelectMany(i => new[] { "--mfn", $"0x{0x40000 + i:x}" }).ToArray();

    [Theory]
    [InlineData("xen-4.17")]
    [InlineData("seed-v3")]
    public void Unmapping_eight_in_reverse_stops_at_slot_73_with_the_virt_to_fix_BUG_ON(string profile)
    {
        var r = Cli.Run(["map", "--arch", "arm64", "--profile", profile, .. EightFrames, "--unmap", "--json"]);
        Assert.Equal(1, r.Code);
        var error = r.Json.GetProperty("error");
        Assert.Equal("bug", error.GetProperty("kind").GetString());
        Assert.Equal("vaddr >= FIXADDR_TOP || vaddr < FIXADDR_START", error.GetProperty("message").GetString());
        Assert.Equal("virt_to_fix", error.GetProperty("where").GetString());
        var steps = r.Json.GetProperty("steps").EnumerateArray().ToList();
        Assert.Equal(9, steps.Count); // eight maps, then the unmap that died
        Assert.Equal("0x449000", steps[^1].GetProperty("va").GetString());
        Assert.Empty(steps[^1].GetProperty("events").EnumerateArray()); // it died before touching the PTE
        r.AssertNoStackTrace();
    }

    [Fact]
    public void Upstream_unmaps_all_eight()
    {
        var r = Cli.Run(["map", "--arch", "arm64", "--profile", "upstream", .. EightFrames, "--unmap", "--json"]);
        Assert.Equal(0, r.Code);
        Assert.Equal(16, r.Json.GetProperty("steps").GetArrayLength());
    }

    [Theory]
    [InlineData("xen-4.17")]
    [InlineData("seed-v3")]
    [InlineData("upstream")]
    public void The_ninth_concurrent_map_panics(string profile)
    {
        var r = Cli.Run(["map", "--arch", "arm64", "--profile", profile, .. EightFrames, "--mfn", "0x50000", "--json"]);
        Assert.Equal(1, r.Code);
        Assert.Equal("panic", r.Json.GetProperty("error").GetProperty("kind").GetString());
        Assert.Equal("Out of PMAP slots", r.Json.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public void Upstream_map_adds_an_isb_after_the_write()
    {
        var r = Cli.Run("map", "--arch", "arm64", "--profile", "upstream", "--mfn", "0x12345", "--json");
        var step = r.Json.GetProperty("steps")[0];
        Assert.Equal("0xa0000a42000", step.GetProperty("va").GetString());
        Assert.Equal(new[] { "dsb sy", "str", "dsb sy", "isb" },
            step.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("op").GetString()));
    }

    [Fact]
    public void Map_in_smp_boot_or_in_irq_hits_the_asserts_and_release_builds_do_not()
    {
        var state = Cli.Run("map", "--arch", "arm64", "--mfn", "1", "--state", "smp_boot", "--json");
        Assert.Equal(1, state.Code);
        Assert.Equal("system_state < SYS_STATE_smp_boot", state.Json.GetProperty("error").GetProperty("message").GetString());
        var irq = Cli.Run("map", "--arch", "arm64", "--mfn", "1", "--in-irq", "--json");
        Assert.Equal("!in_irq()", irq.Json.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal(0, Cli.Run("map", "--arch", "arm64", "--mfn", "1", "--in-irq", "--xen-release-build").Code);
    }

    [Fact]
    public void Boot_of_the_documented_banks()
    {
        var r = Cli.Run("boot", "--arch", "arm64", "--ram-size", "3G", "--ram-base", "0x40200000", "--json");
        Assert.Equal(0, r.Code);
        Assert.Equal(786432UL, r.Json.GetProperty("verifiedPages").GetUInt64());
        Assert.Equal(496, r.Json.GetProperty("mappings").GetProperty("contiguous").GetInt32());
    }

    [Fact]
    public void Under_strict_ordering_the_missing_isb_of_4_17_crashes_the_boot_and_upstream_boots()
    {
        var r = Cli.Run("boot", "--arch", "arm64", "--profile", "xen-4.17", "--strict-ordering", "--json");
        Assert.Equal(1, r.Code);
        Assert.Equal("panic", r.Json.GetProperty("error").GetProperty("kind").GetString());
        Assert.Matches(@"translation fault at VA 0x442[0-9a-f]{3}, level 3", // in the first PMAP page
            r.Json.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal(0, Cli.Run("boot", "--arch", "arm64", "--profile", "upstream", "--strict-ordering").Code);
        var hazards = Cli.Run("boot", "--arch", "arm64", "--profile", "xen-4.17", "--json").Json.GetProperty("hazards").GetInt64();
        Assert.True(hazards > 0); // without strict ordering the same walks are counted, not fatal
    }
}
