using Pmap.Core.Arch;
using Pmap.Core.Machine;
using Pmap.Core.Scenarios;
using Pmap.TestArch;

namespace Pmap.Core.Tests;

/// <summary>
/// How the fuzzer sorts what stops Xen (docs/XEN_FACTS.md §2.2, §2.3): the ASSERTs on system_state and in_irq() and the
/// out-of-slots panic with every slot held are pmap.c's contract; a check reached from addresses pmap_map handed out is not.
/// The exceptions come from the real pmap.c model on a plain test port.
/// </summary>
public class FuzzStopTests
{
    private const int NumFixPmap = 8; // pmap.h's NUM_FIX_PMAP (§2.1)

    private static XenMachine Boot() => PmapCommonTests.Boot(NumFixPmap);

    private static XenCrashException Stop(Action call) => Assert.IsAssignableFrom<XenCrashException>(Record.Exception(call));

    [Fact]
    public void The_asserts_on_system_state_and_irq_context_are_refusals_at_their_pmap_c_lines()
    {
        var m = Boot();
        var va = m.Pmap.Map(new Mfn(0x40000));
        m.Cpu.SystemState = SystemState.SmpBoot;
        Assert.Equal(new FuzzSite(FuzzSiteKind.Assert, "system_state < SYS_STATE_smp_boot", "pmap_map", "common/pmap.c:26", FuzzVerdict.Refusal),
            FuzzStops.Classify(Stop(() => m.Pmap.Map(new Mfn(0x40001))), 1, NumFixPmap));
        Assert.Equal(new FuzzSite(FuzzSiteKind.Assert, "system_state < SYS_STATE_smp_boot", "pmap_unmap", "common/pmap.c:55", FuzzVerdict.Refusal),
            FuzzStops.Classify(Stop(() => m.Pmap.Unmap(va)), 1, NumFixPmap));
        m.Cpu.SystemState = SystemState.EarlyBoot;
        m.Cpu.LocalIrqCount = 1;
        Assert.Equal(new FuzzSite(FuzzSiteKind.Assert, "!in_irq()", "pmap_map", "common/pmap.c:27", FuzzVerdict.Refusal),
            FuzzStops.Classify(Stop(() => m.Pmap.Map(new Mfn(0x40001))), 1, NumFixPmap));
        Assert.Equal(new FuzzSite(FuzzSiteKind.Assert, "!in_irq()", "pmap_unmap", "common/pmap.c:57", FuzzVerdict.Refusal),
            FuzzStops.Classify(Stop(() => m.Pmap.Unmap(va)), 1, NumFixPmap));
    }

    [Fact]
    public void Out_of_slots_is_a_refusal_only_when_the_caller_holds_every_slot()
    {
        var m = Boot();
        for (var i = 0; i < NumFixPmap; i++) m.Pmap.Map(new Mfn(0x40000 + (ulong)i));
        var panic = Stop(() => m.Pmap.Map(new Mfn(0x40100)));
        Assert.Equal(new FuzzSite(FuzzSiteKind.Panic, "Out of PMAP slots", "pmap_map", "common/pmap.c:31", FuzzVerdict.Refusal),
            FuzzStops.Classify(panic, NumFixPmap, NumFixPmap));
        // With a slot the caller gave back still set, the same panic is a leak in the bitmap.
        Assert.Equal(FuzzVerdict.Finding, FuzzStops.Classify(panic, NumFixPmap - 1, NumFixPmap).Verdict);
    }

    [Fact]
    public void A_bug_an_assert_of_the_port_or_a_fault_is_a_finding()
    {
        var m = Boot();
        var fixmap = m.Arch.Fixmap;
        var bug = FuzzStops.Classify(Stop(() => m.Pmap.Unmap(fixmap.FixaddrTop)), 0, NumFixPmap);
        Assert.Equal((FuzzSiteKind.Bug, "virt_to_fix", FuzzVerdict.Finding), (bug.Kind, bug.Where, bug.Verdict));
        var range = FuzzStops.Classify(Stop(() => m.Pmap.Unmap(fixmap.FixToVirt(FakeModel.FixA))), 0, NumFixPmap);
        Assert.Equal((FuzzSiteKind.Assert, "slot >= FIX_PMAP_BEGIN && slot <= FIX_PMAP_END", FuzzVerdict.Finding), (range.Kind, range.Check, range.Verdict));
        // A free slot whose entry is valid: the port's own ASSERT in arch_pmap_map.
        m.Memory.Write64(((FakeModel)m.Arch).Fixmap3.Add((ulong)FakeModel.FixPmapBegin * 8), FakeModel.Valid);
        var port = FuzzStops.Classify(Stop(() => m.Pmap.Map(new Mfn(0x40000))), 0, NumFixPmap);
        Assert.Equal((FuzzSiteKind.Assert, "arch_pmap_map", FuzzVerdict.Finding), (port.Kind, port.Where, port.Verdict));
        var fault = FuzzStops.Classify(Stop(() => m.ReadVirt64(fixmap.FixToVirt(FakeModel.FixPmapBegin + 1))), 0, NumFixPmap);
        Assert.Equal((FuzzSiteKind.Fault, FuzzVerdict.Finding), (fault.Kind, fault.Verdict));
    }
}

/// <summary>The fuzzer as a whole: a correct port gives refusals only; a broken one is caught, and the sequence shrunk to what it takes.</summary>
public class PmapFuzzTests
{
    [Fact]
    public void A_correct_port_gives_refusals_only_and_the_same_seed_replays_the_same_run()
    {
        var model = new FakeArchitecture().Create(ArchSettings.For("plain"));
        var a = PmapFuzz.Run(model, 20_000, seed: 42);
        Assert.True(a.Clean, string.Join("; ", a.Findings.Select(f => f.Site)));
        Assert.All(a.Sites, s => Assert.Equal(FuzzVerdict.Refusal, s.Site.Verdict));
        // Every refusal the contract has is reached: pmap.c lines 26, 27, 31, 55, 57 (§2.2, §2.3).
        Assert.Equal(["common/pmap.c:26", "common/pmap.c:27", "common/pmap.c:31", "common/pmap.c:55", "common/pmap.c:57"],
            a.Sites.Select(s => s.Site.Source).Order());
        Assert.True(a.Maps > 1000 && a.Unmaps > 1000 && a.Touches > 1000, a.ToString());
        var b = PmapFuzz.Run(model, 20_000, seed: 42);
        Assert.Equal((a.Ops, a.Maps, a.Unmaps, a.Touches), (b.Ops, b.Maps, b.Unmaps, b.Touches));
        Assert.Equal(a.Sites, b.Sites);
        Assert.Equal(a.XenCrashes, a.Sites.Sum(s => s.Count));
    }

    [Fact]
    public void A_port_whose_unmap_skips_the_pte_store_breaks_an_invariant_and_is_shrunk_to_map_then_unmap()
    {
        var model = new FakeArchitecture(skipUnmapStore: true).Create(ArchSettings.For("plain"));
        var report = PmapFuzz.Run(model, 10_000, seed: 1);
        var f = Assert.Single(report.Findings);
        Assert.Equal((FuzzSiteKind.Invariant, "the bitmap equals the valid PMAP entries"), (f.Site.Kind, f.Site.Check));
        // The bit is clear after pmap_unmap but the entry stays valid: map then unmap is all it takes.
        Assert.Contains("bit 0 is clear but the slot's entry is valid", f.Detail);
        Assert.Equal([FuzzOpKind.Map, FuzzOpKind.Unmap], f.Shrunk.Select(o => o.Kind));
        Assert.Equal(f.At + 1, report.Ops); // a broken invariant ends the run
    }

    [Fact]
    public void A_port_whose_unmap_skips_the_flush_leaves_a_stale_translation_that_only_a_touch_before_the_unmap_creates()
    {
        var model = new FakeArchitecture(skipUnmapFlush: true).Create(ArchSettings.For("plain"));
        var f = Assert.Single(PmapFuzz.Run(model, 10_000, seed: 1).Findings);
        Assert.Equal("an unmapped slot faults", f.Site.Check);
        Assert.Contains("stale TLB entry", f.Detail);
        // The fuzzer's own checks never fill the TLB, so the translation the unmap leaves behind is the touch's.
        Assert.Equal([FuzzOpKind.Map, FuzzOpKind.Touch, FuzzOpKind.Unmap], f.Shrunk.Select(o => o.Kind));
    }
}
