using Pmap.Core.Arch;
using Pmap.Core.Machine;
using Pmap.Core.Scenarios;

namespace Pmap.Ports.Tests;

/// <summary>
/// The fuzzer on the shipped ports: it finds the two bugs of the seed patch (docs/XEN_FACTS.md §3.9 FIXADDR_TOP, §3.10 the
/// missing ISB) as findings where a release has them, and nothing where it has neither. What it should find is derived from
/// the port's own facts (its fixmap bounds, the hazard scenarios under the ordering checker), never from the fuzzer.
/// </summary>
public class FuzzFindingTests
{
    private static FuzzOp Map(ulong frame) => new(FuzzOpKind.Map, frame);

    /// <summary>pmap_map until every one of NUM_FIX_PMAP slots is held, then pmap_unmap of the last one handed out.</summary>
    private static List<FuzzOp> FillThenUnmapTheLast(ArchModel model) =>
        [.. Enumerable.Range(0, model.Fixmap.NumFixPmap).Select(i => Map(0x40000 + (ulong)i)),
            new FuzzOp(FuzzOpKind.Unmap, (ulong)model.Fixmap.NumFixPmap - 1)];

    /// <summary>Some PMAP slot's address is outside [FIXADDR_START, FIXADDR_TOP): virt_to_fix's BUG_ON fires on it.</summary>
    public static bool VirtToFixRefusesAPmapSlot(FixmapLayout f) =>
        Enumerable.Range(f.FixPmapBegin, f.NumFixPmap).Select(f.FixToVirt).Any(va => va >= f.FixaddrTop || va < f.FixaddrStart);

    /// <summary>The hazard scenarios find arch_pmap_map's new entry used before the step the port's rules ask for.</summary>
    public static bool MapLacksASynchronisation(ArchModel model) => HazardScenarios.Run(model).Violations.Any(v => v.Hook == "arch_pmap_map"
        && v.Rule.Check is RuleCheck.NewEntryContextSync or RuleCheck.NewEntryInvalidate or RuleCheck.NewEntryBarrier);

    [Theory]
    [InlineData("arm64")]
    [InlineData("arm32")]
    public void Under_xen_4_17_unmapping_the_eighth_slot_is_virt_to_fix_BUG_and_a_finding(string arch)
    {
        var model = ShippedProfiles.Model(arch, "xen-4.17");
        var (site, detail) = Assert.NotNull(PmapFuzz.Check(model, FillThenUnmapTheLast(model)));
        // §2.6: Xen BUG at ./arch/arm/include/asm/fixmap.h:41, BUG_ON(vaddr >= FIXADDR_TOP || vaddr < FIXADDR_START).
        Assert.Equal(new FuzzSite(FuzzSiteKind.Bug, "vaddr >= FIXADDR_TOP || vaddr < FIXADDR_START", "virt_to_fix", "arch/arm/include/asm/fixmap.h:41",
            FuzzVerdict.Finding), site);
        Assert.StartsWith("pmap_unmap(live[7])", detail);
        Assert.Null(PmapFuzz.Check(ShippedProfiles.Model(arch, "xen-4.22.0"), FillThenUnmapTheLast(model)));
    }

    [Theory]
    [InlineData("arm64")]
    [InlineData("arm32")]
    public void Under_xen_4_17_a_touch_right_after_pmap_map_is_the_missing_isb_hazard(string arch)
    {
        FuzzOp[] ops = [Map(0x40000), new(FuzzOpKind.Touch, 0)];
        var model = ShippedProfiles.Model(arch, "xen-4.17");
        var (site, _) = Assert.NotNull(PmapFuzz.Check(model, ops));
        var rule = model.Maintenance.Find(RuleCheck.NewEntryContextSync)!;
        Assert.Equal((FuzzSiteKind.Hazard, "touch", rule.Id, FuzzVerdict.Finding), (site.Kind, site.Where, site.Source, site.Verdict));
        Assert.Contains(rule.Missing, site.Check);
        // 4.18.0 adds the ISB (feaa9aca87) and keeps the FIXADDR_TOP bug: the touch is fine there.
        Assert.Null(PmapFuzz.Check(ShippedProfiles.Model(arch, "xen-4.18.0"), ops));
    }

    [Fact]
    public void A_full_bitmap_is_a_refusal_where_FIXADDR_TOP_is_right()
    {
        var model = ShippedProfiles.Model("arm64", "upstream");
        Assert.Null(PmapFuzz.Check(model, [.. FillThenUnmapTheLast(model).SkipLast(1), Map(0x40100), Map(0x40101)]));
    }

    [Theory]
    [InlineData(1UL)]
    [InlineData(7UL)]
    [InlineData(0xdeadbeefUL)]
    public void A_default_length_run_finds_both_seed_bugs_under_xen_4_17_and_nothing_under_xen_4_22_0(ulong seed)
    {
        var report = PmapFuzz.Run(ShippedProfiles.Model("arm64", "xen-4.17"), PmapFuzz.DefaultCount, seed);
        Assert.Equal([FuzzSiteKind.Bug, FuzzSiteKind.Hazard], report.Findings.Select(f => f.Site.Kind).Order());
        var bug = report.Findings.Single(f => f.Site.Kind == FuzzSiteKind.Bug);
        // Shrunk to what it takes: NUM_FIX_PMAP (8, §2.1) maps, then the unmap of slot FIXMAP_PMAP_END.
        Assert.Equal([.. Enumerable.Repeat(FuzzOpKind.Map, 8), FuzzOpKind.Unmap], bug.Shrunk.Select(o => o.Kind));
        Assert.Equal([FuzzOpKind.Map, FuzzOpKind.Touch], report.Findings.Single(f => f.Site.Kind == FuzzSiteKind.Hazard).Shrunk.Select(o => o.Kind));
        Assert.True(PmapFuzz.Run(ShippedProfiles.Model("arm64", "xen-4.22.0"), PmapFuzz.DefaultCount, seed).Clean);
    }

    [Theory]
    [MemberData(nameof(ShippedProfiles.All), MemberType = typeof(ShippedProfiles))]
    public void A_run_finds_exactly_what_the_port_s_facts_predict(string arch, string profile)
    {
        var model = ShippedProfiles.Model(arch, profile);
        var expected = new List<FuzzSiteKind>();
        if (VirtToFixRefusesAPmapSlot(model.Fixmap)) expected.Add(FuzzSiteKind.Bug);
        if (MapLacksASynchronisation(model)) expected.Add(FuzzSiteKind.Hazard);
        var report = PmapFuzz.Run(model, 20_000, PmapFuzz.DefaultSeed);
        Assert.Equal(expected, report.Findings.Select(f => f.Site.Kind).Order());
    }
}
