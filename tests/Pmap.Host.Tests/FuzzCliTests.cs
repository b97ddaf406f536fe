using System.Text.Json;

namespace Pmap.Host.Tests;

/// <summary>
/// `pmap fuzz` through the real binary: with no seed and no count it finds the seed patch's FIXADDR_TOP BUG (docs/XEN_FACTS.md
/// §3.9) and missing ISB (§3.10) under xen-4.17 as findings (exit 4), and under xen-4.22.0 and upstream reaches only the
/// refusals pmap.c's contract allows (exit 0).
/// </summary>
public class FuzzCliTests
{
    // §2.6: the check virt_to_fix runs, and where Xen's console says it is.
    private const string VirtToFixBug = "BUG_ON(vaddr >= FIXADDR_TOP || vaddr < FIXADDR_START)";
    private const string VirtToFixSource = "arch/arm/include/asm/fixmap.h:41";

    private static List<JsonElement> Items(CliResult r, string field) => [.. r.Json.GetProperty(field).EnumerateArray()];

    private static string S(JsonElement e, string field) => e.GetProperty(field).GetString()!;

    [Fact]
    public void Xen_4_17_exits_4_naming_virt_to_fix_BUG_and_the_missing_isb_each_with_its_sequence()
    {
        var r = Cli.Process(null, "fuzz", "--arch", "arm64", "--profile", "xen-4.17");
        Assert.Equal(4, r.Code);
        r.AssertNoStackTrace();
        Assert.Contains($"{VirtToFixBug} in virt_to_fix at {VirtToFixSource}", r.Out);
        Assert.Contains("ordering hazard: a walk used a new entry with no isb since", r.Out);
        // The sequence: NUM_FIX_PMAP (8, §2.1) maps, then the unmap of the eighth slot.
        Assert.Contains("shortest sequence found (9 operations): pmap_map(", r.Out);
        Assert.DoesNotContain("every invariant held", r.Out);
        var lines = r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.All(lines, l => Assert.StartsWith("pmap: finding at operation ", l));
        var bug = Assert.Single(lines, l => l.Contains($"{VirtToFixBug} in virt_to_fix at {VirtToFixSource} (9 operations: pmap_map("));
        Assert.EndsWith("; pmap_unmap(live[7]))", bug);
    }

    [Fact]
    public void Xen_4_17_json_breaks_the_stops_down_by_site_refusals_apart_from_findings()
    {
        var r = Cli.Process(null, "fuzz", "--arch", "arm64", "--profile", "xen-4.17", "--json");
        Assert.Equal(4, r.Code);
        var sites = Items(r, "sites");
        // pmap.c's contract: the ASSERTs on system_state (lines 26, 55) and in_irq() (27, 57), the out-of-slots panic (31).
        Assert.Equal(["common/pmap.c:26", "common/pmap.c:27", "common/pmap.c:31", "common/pmap.c:55", "common/pmap.c:57"],
            sites.Where(s => S(s, "verdict") == "refusal").Select(s => S(s, "source")).Order());
        var bug = sites.Single(s => S(s, "verdict") == "finding" && S(s, "kind") == "bug");
        Assert.Equal((VirtToFixBug, "virt_to_fix", VirtToFixSource), (S(bug, "site"), S(bug, "where"), S(bug, "source")));
        var hazard = sites.Single(s => S(s, "verdict") == "finding" && S(s, "kind") == "hazard");
        Assert.Equal(("touch", "ARM-NEW-ISB"), (S(hazard, "where"), S(hazard, "source")));
        Assert.Equal(sites.Where(s => S(s, "kind") is not ("hazard" or "invariant")).Sum(s => s.GetProperty("count").GetInt64()),
            r.Json.GetProperty("xenCrashes").GetInt64());
        var finding = Items(r, "findings").Single(f => S(f, "kind") == "bug");
        Assert.Contains("Xen BUG in virt_to_fix", S(finding, "detail"));
        Assert.Equal(9, finding.GetProperty("shrunk").GetArrayLength());
    }

    [Theory]
    [InlineData("xen-4.22.0")]
    [InlineData("upstream")]
    public void Releases_with_both_fixes_exit_0_with_refusals_only(string profile)
    {
        var r = Cli.Process(null, "fuzz", "--arch", "arm64", "--profile", profile, "--json");
        Assert.Equal(0, r.Code);
        Assert.Empty(Items(r, "findings"));
        Assert.Equal(JsonValueKind.Null, r.Json.GetProperty("violation").ValueKind);
        Assert.All(Items(r, "sites"), s => Assert.Equal("refusal", S(s, "verdict")));
        Assert.Equal(r.Json.GetProperty("xenCrashes").GetInt64(), r.Json.GetProperty("refusals").GetInt64());
        Assert.Contains("no finding", Cli.Process(null, "fuzz", "--arch", "arm64", "--profile", profile).Out);
    }
}
