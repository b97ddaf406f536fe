using Pmap.Core;
using Pmap.Core.Arch;
using Pmap.Core.Machine;
using Pmap.Core.Scenarios;
using Pmap.TestArch;

namespace Pmap.Core.Tests;

/// <summary>xen/common/pmap.c against Xen's semantics (docs/XEN_FACTS.md §2), on a plain test architecture.</summary>
public class PmapCommonTests
{
    internal static XenMachine Boot(int numFixPmap = 8, bool debug = true, string profile = "plain", bool skipUnmapFlush = false) =>
        new FakeArchitecture(skipUnmapFlush: skipUnmapFlush).Create(ArchSettings.For(profile, numFixPmap, debug)).Boot();

    private static VirtAddr SlotVa(int slot) => new(0x400000UL + ((ulong)slot << 12));

    [Fact]
    public void Slots_are_handed_out_first_free_and_a_freed_slot_is_reused_first()
    {
        var m = Boot();
        var vas = Enumerable.Range(0, 5).Select(i => m.Pmap.Map(new Mfn(0x100UL + (ulong)i))).ToList();
        Assert.Equal(Enumerable.Range(FakeModel.FixPmapBegin, 5).Select(SlotVa), vas);
        m.Pmap.Unmap(vas[3]);
        m.Pmap.Unmap(vas[1]);
        Assert.Equal(vas[1], m.Pmap.Map(new Mfn(0x200))); // lowest clear bit
        Assert.Equal(vas[3], m.Pmap.Map(new Mfn(0x201)));
        Assert.Equal(SlotVa(FakeModel.FixPmapBegin + 5), m.Pmap.Map(new Mfn(0x202)));
    }

    [Fact]
    public void The_ninth_concurrent_map_panics_with_xens_text_even_in_release()
    {
        foreach (var debug in new[] { true, false })
        {
            var m = Boot(debug: debug);
            for (var i = 0; i < 8; i++) m.Pmap.Map(new Mfn((ulong)i));
            var e = Assert.Throws<OutOfPmapSlotsPanicException>(() => m.Pmap.Map(new Mfn(9)));
            Assert.Equal("Out of PMAP slots", e.XenText);
            Assert.Equal(XenCheckKind.Panic, e.Kind);
            Assert.Equal("pmap_map", e.Where);
        }
    }

    [Fact]
    public void Num_fix_pmap_100_works_beyond_one_bitmap_word()
    {
        var m = Boot(numFixPmap: 100);
        var vas = Enumerable.Range(0, 100).Select(i => m.Pmap.Map(new Mfn((ulong)i))).ToList();
        Assert.Equal(100, vas.Distinct().Count());
        Assert.Equal(SlotVa(FakeModel.FixPmapBegin + 99), vas[^1]);
        Assert.Throws<OutOfPmapSlotsPanicException>(() => m.Pmap.Map(new Mfn(1000)));
        m.Pmap.Unmap(vas[70]); // a bit in the second word
        Assert.Equal(vas[70], m.Pmap.Map(new Mfn(1001)));
    }

    [Theory]
    [InlineData(0x3FF000UL)] // below FIXADDR_START
    [InlineData(0x40A000UL)] // FIXADDR_TOP itself (2 + 8 slots)
    [InlineData(0xFFFFFFFF00000000UL)]
    public void Unmap_outside_the_fixmap_hits_the_virt_to_fix_BUG_ON_in_any_build(ulong va)
    {
        foreach (var debug in new[] { true, false })
        {
            var e = Assert.Throws<VirtToFixBugException>(() => Boot(debug: debug).Pmap.Unmap(new VirtAddr(va)));
            Assert.Equal("vaddr >= FIXADDR_TOP || vaddr < FIXADDR_START", e.XenText);
            Assert.Equal(XenCheckKind.Bug, e.Kind);
        }
    }

    [Fact]
    public void Unmap_of_a_non_pmap_fixmap_slot_hits_the_range_assert()
    {
        var e = Assert.Throws<PmapSlotRangeAssertException>(() => Boot().Pmap.Unmap(SlotVa(FakeModel.FixB)));
        Assert.Equal("slot >= FIX_PMAP_BEGIN && slot <= FIX_PMAP_END", e.XenText);
        Assert.Equal("pmap_unmap", e.Where);
        Assert.Equal("common/pmap.c:56", e.Site);
    }

    [Fact]
    public void In_a_release_build_that_unmap_silently_clears_a_bit_outside_the_bitmap_and_zaps_the_slot()
    {
        var m = Boot(debug: false);
        m.Pmap.Unmap(SlotVa(FakeModel.FixB));
        var hazard = Assert.Single(m.Trace.Events, e => e.Kind == TraceKind.Hazard);
        Assert.Contains("__clear_bit(-1)", hazard.Detail);
        Assert.Contains("out-of-bounds write", hazard.Detail); // idx wraps to 0xffffffff: far past the one-long storage
        Assert.Contains(m.Trace.Events, e => e.Kind == TraceKind.PteWrite && e.Entry == FakeModel.FixB);
    }

    [Theory]
    [InlineData(SystemState.SmpBoot)]
    [InlineData(SystemState.Active)]
    [InlineData(SystemState.Suspend)]
    [InlineData(SystemState.Resume)]
    public void Map_and_unmap_at_smp_boot_or_later_hit_the_state_assert(SystemState state)
    {
        var m = Boot();
        var va = m.Pmap.Map(new Mfn(1));
        m.Cpu.SystemState = state;
        Assert.Equal("system_state < SYS_STATE_smp_boot", Assert.Throws<PmapSystemStateAssertException>(() => m.Pmap.Map(new Mfn(2))).XenText);
        var e = Assert.Throws<PmapSystemStateAssertException>(() => m.Pmap.Unmap(va));
        Assert.Equal(("pmap_unmap", "common/pmap.c:55"), (e.Where, e.Site));
    }

    [Fact]
    public void Boot_state_is_still_allowed()
    {
        var m = Boot();
        m.Cpu.SystemState = SystemState.Boot;
        m.Pmap.Unmap(m.Pmap.Map(new Mfn(1)));
    }

    [Fact]
    public void Map_and_unmap_in_irq_hit_the_in_irq_assert()
    {
        var m = Boot();
        var va = m.Pmap.Map(new Mfn(1));
        m.Cpu.LocalIrqCount = 1;
        Assert.Equal("common/pmap.c:27", Assert.Throws<PmapInIrqAssertException>(() => m.Pmap.Map(new Mfn(2))).Site);
        Assert.Equal("common/pmap.c:57", Assert.Throws<PmapInIrqAssertException>(() => m.Pmap.Unmap(va)).Site);
    }

    [Fact]
    public void Release_builds_drop_the_asserts()
    {
        var m = Boot(debug: false);
        m.Cpu.SystemState = SystemState.Active;
        m.Cpu.LocalIrqCount = 1;
        var va = m.Pmap.Map(new Mfn(1));
        m.Pmap.Unmap(va);
        Assert.Equal(0, m.Pmap.InUse);
    }

    [Fact]
    public void Unmap_checks_virt_to_fix_before_the_state_assert()
    {
        var m = Boot();
        m.Cpu.SystemState = SystemState.Active;
        Assert.Throws<VirtToFixBugException>(() => m.Pmap.Unmap(new VirtAddr(0x1000)));
    }

    [Fact]
    public void The_seed_v3_common_code_masks_irqs_instead_of_asserting()
    {
        var m = Boot(profile: "seed-v3");
        m.Cpu.LocalIrqCount = 1;
        m.Pmap.Unmap(m.Pmap.Map(new Mfn(1)));
        Assert.Equal(64, m.Arch.CommonCode.BitmapBits);
    }

    [Fact]
    public void A_double_unmap_goes_undetected_as_in_xen_but_the_model_flags_it()
    {
        var m = Boot();
        var va = m.Pmap.Map(new Mfn(1));
        m.Pmap.Unmap(va);
        m.Pmap.Unmap(va);
        Assert.Contains(m.Trace.Events, e => e.Kind == TraceKind.Hazard && e.Detail!.Contains("double unmap"));
        Assert.Equal(0, m.Pmap.InUse);
    }

    [Fact]
    public void Map_traces_the_arch_operations_after_the_map_marker()
    {
        var m = Boot();
        var va = m.Pmap.Map(new Mfn(0x1234));
        Assert.Equal(new[] { TraceKind.Map, TraceKind.PteWrite, TraceKind.Barrier }, m.Trace.Events.Select(e => e.Kind));
        var w = m.Trace.Events[1];
        Assert.Equal(("fake_fixmap", FakeModel.FixPmapBegin, 0UL, 0x1234003UL), (w.Table, w.Entry!.Value, w.Old!.Value, w.New!.Value));
        Assert.Equal(va, m.Trace.Events[0].Va);
    }

    [Fact]
    public void A_left_out_flush_leaves_a_stale_translation_and_the_real_flush_removes_it()
    {
        var stale = Boot(skipUnmapFlush: true);
        var va = stale.Pmap.Map(new Mfn(0x1234));
        stale.WriteVirt64(va, 42);
        stale.Pmap.Unmap(va);
        Assert.Equal(42UL, stale.ReadVirt64(va)); // the TLB still translates the unmapped slot

        var good = Boot();
        var va2 = good.Pmap.Map(new Mfn(0x1234));
        good.WriteVirt64(va2, 42);
        good.Pmap.Unmap(va2);
        var fault = Assert.Throws<HypervisorFaultException>(() => good.ReadVirt64(va2));
        Assert.Equal(3, fault.Fault.Level);
    }

    [Fact]
    public void The_boot_scenario_reaches_tables_through_pmap_and_verifies_every_page()
    {
        var m = Boot();
        var r = BootScenario.Run(m, new RamBank(new PhysAddr(0x40000000), 4UL << 20));
        Assert.Equal(1024UL, r.VerifiedPages);
        Assert.Null(r.FirstMismatch);
        Assert.Equal(1024, r.Mappings["4K"]);
        Assert.Equal(4, r.TablesAllocated); // a new L1 and L2 under root[32], and one L3 per 2 MiB of the 4 MiB
        Assert.Equal(0, r.PmapSlotsInUseAfter);
        Assert.Equal(2, r.MaxPmapSlotsInUse);
    }

    [Fact]
    public void The_running_hook_is_named_in_pmaps_hooks_and_within_a_bracket_and_the_outer_name_comes_back()
    {
        XenMachine? m = null;
        var seen = new List<string?>();
        m = new FakeArchitecture(hook: _ => seen.Add(m!.CurrentHook)).Create(ArchSettings.For("plain")).Boot();
        var va = m.Pmap.Map(new Mfn(0x100));
        m.Pmap.Unmap(va);
        Assert.Null(m.CurrentHook);
        using (m.Hook("xen_pt_update"))
        {
            m.Pmap.Unmap(m.Pmap.Map(new Mfn(0x101)));
            Assert.Equal("xen_pt_update", m.CurrentHook);
            using (m.Hook("inner")) Assert.Equal("inner", m.CurrentHook);
            Assert.Equal("xen_pt_update", m.CurrentHook);
        }
        Assert.Null(m.CurrentHook);
        Assert.Equal(["arch_pmap_map", "arch_pmap_unmap", "arch_pmap_map", "arch_pmap_unmap"], seen);
    }
}
