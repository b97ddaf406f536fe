using Pmap.Arch.Arm;
using Pmap.Core;
using Pmap.Core.Arch;
using Pmap.Core.Machine;

namespace Pmap.Arch.Arm64.Tests;

public class Arm64PmapTests
{
    internal static XenMachine Boot(string profile, int numFixPmap = 8, bool debug = true, MachineOptions? options = null) =>
        new Arm64Architecture().Create(ArchSettings.For(profile, numFixPmap, debug)).Boot(options);

    // 0xf7f = valid 0x1 | table 0x2 | AttrIndx 7<<2 (MT_NORMAL) | NS 0x20 | AP[1] 0x40 | SH inner 3<<8 | AF 0x400 | nG 0x800;
    // XN is bit 54; MFN 0x12345 << 12 (docs/XEN_FACTS.md §3.6).
    private const ulong PmapPte12345 = 0x0040000012345F7F;

    [Theory]
    [InlineData("xen-4.17", 0x442000UL)]
    [InlineData("seed-v3", 0x442000UL)]
    [InlineData("upstream", 0x00000A0000A42000UL)]
    public void First_map_uses_slot_66_and_writes_the_golden_pte(string profile, ulong expectedVa)
    {
        var m = Boot(profile);
        var va = m.Pmap.Map(new Mfn(0x12345));

        Assert.Equal(expectedVa, va.Value);
        var model = (Arm64Model)m.Arch;
        Assert.Equal(66, model.Fixmap.VirtToFix(va));
        Assert.Equal(PmapPte12345, m.Memory.Read64(model.XenFixmap.Add(66 * 8)));
        Assert.Equal(0x12345000UL, m.Translate(va).Value);
    }

    [Fact]
    public void Map_operations_are_dsb_str_dsb_and_upstream_adds_isb()
    {
        foreach (var (profile, expected) in new[]
                 {
                     ("xen-4.17", new[] { "barrier:dsb sy", "pte-write:str", "barrier:dsb sy" }),
                     ("upstream", new[] { "barrier:dsb sy", "pte-write:str", "barrier:dsb sy", "barrier:isb" }),
                 })
        {
            var m = Boot(profile);
            m.Pmap.Map(new Mfn(0x12345));
            var ops = m.Trace.Events.Where(e => e.Kind != TraceKind.Map).Select(e => $"{TraceEvent.KindName(e.Kind)}:{e.Op}").ToArray();
            Assert.Equal(expected, ops);
            var write = m.Trace.Events.Single(e => e.Kind == TraceKind.PteWrite);
            Assert.Equal(("xen_fixmap", 66, 0UL, PmapPte12345), (write.Table, write.Entry!.Value, write.Old!.Value, write.New!.Value));
        }
    }

    [Theory]
    [InlineData("xen-4.17.0", "dsb sy", "dsb sy")]
    [InlineData("upstream", "dsb nshst", "dsb nsh")]
    public void Unmap_zeroes_the_entry_then_flushes_the_va_with_the_profiles_barriers(string profile, string before, string after)
    {
        var m = Boot(profile);
        var va = m.Pmap.Map(new Mfn(0x12345));
        var mark = m.Trace.Count;
        m.Pmap.Unmap(va);
        var events = m.Trace.Since(mark).Where(e => e.Kind != TraceKind.Unmap).ToList();
        Assert.Equal(new[] { "dsb sy", "str", "dsb sy", before, "tlbi vae2", after, "isb" }, events.Select(e => e.Op).ToArray());
        Assert.Equal(va, events.Single(e => e.Kind == TraceKind.TlbFlush).Va);
        Assert.Equal(0UL, events.Single(e => e.Kind == TraceKind.PteWrite).New);
    }

    [Theory]
    [InlineData("xen-4.17")]
    [InlineData("seed-v3")]
    public void Unmapping_slot_73_hits_the_virt_to_fix_BUG_ON_before_fe3412ab83(string profile)
    {
        var m = Boot(profile);
        var vas = Enumerable.Range(0, 8).Select(i => m.Pmap.Map(new Mfn(0x40000UL + (ulong)i))).ToList();
        Assert.Equal(0x449000UL, vas[7].Value); // slot 73 = FIXMAP_PMAP_END = FIXMAP_LAST, and FIXADDR_TOP
        Assert.Equal(0x449000UL, m.Arch.Fixmap.FixaddrTop.Value);

        var bug = Assert.Throws<VirtToFixBugException>(() => m.Pmap.Unmap(vas[7]));
        Assert.Equal("vaddr >= FIXADDR_TOP || vaddr < FIXADDR_START", bug.XenText);
        Assert.Equal(XenCheckKind.Bug, bug.Kind);
    }

    [Fact]
    public void The_BUG_ON_fires_in_a_release_build_too()
    {
        var m = Boot("xen-4.17", debug: false);
        var vas = Enumerable.Range(0, 8).Select(i => m.Pmap.Map(new Mfn(0x40000UL + (ulong)i))).ToList();
        Assert.Throws<VirtToFixBugException>(() => m.Pmap.Unmap(vas[7]));
    }

    [Fact]
    public void Upstream_unmaps_all_eight_in_reverse()
    {
        var m = Boot("upstream");
        var vas = Enumerable.Range(0, 8).Select(i => m.Pmap.Map(new Mfn(0x40000UL + (ulong)i))).ToList();
        Assert.Equal(0x00000A0000A4A000UL, m.Arch.Fixmap.FixaddrTop.Value); // FIXMAP_ADDR(FIX_LAST + 1)
        for (var i = 7; i >= 0; i--) m.Pmap.Unmap(vas[i]);
        Assert.Equal(0, m.Pmap.InUse);
    }

    [Theory]
    [InlineData("xen-4.17")]
    [InlineData("seed-v3")]
    [InlineData("upstream")]
    public void The_ninth_concurrent_map_panics(string profile)
    {
        var m = Boot(profile);
        for (var i = 0; i < 8; i++) m.Pmap.Map(new Mfn(0x40000UL + (ulong)i));
        var panic = Assert.Throws<OutOfPmapSlotsPanicException>(() => m.Pmap.Map(new Mfn(0x50000)));
        Assert.Equal("Out of PMAP slots", panic.XenText);
    }

    [Fact]
    public void Slot_range_assert_names_follow_the_revision()
    {
        // 4.17 spells FIXMAP_PMAP_*; HEAD (after 0441c3acc7) FIX_PMAP_*. FIXMAP_MISC is slot 1.
        var old = Boot("xen-4.17");
        var e1 = Assert.Throws<PmapSlotRangeAssertException>(() => old.Pmap.Unmap(new VirtAddr(0x401000)));
        Assert.Equal("slot >= FIXMAP_PMAP_BEGIN && slot <= FIXMAP_PMAP_END", e1.XenText);
        Assert.Equal("common/pmap.c:56", e1.Site);
        var head = Boot("upstream");
        var e2 = Assert.Throws<PmapSlotRangeAssertException>(() => head.Pmap.Unmap(new VirtAddr(0x00000A0000A01000)));
        Assert.Equal("slot >= FIX_PMAP_BEGIN && slot <= FIX_PMAP_END", e2.XenText);
    }

    [Fact]
    public void Seed_v3_has_no_in_irq_assert_but_4_17_does()
    {
        var v3 = Boot("seed-v3");
        v3.Cpu.LocalIrqCount = 1;
        v3.Pmap.Map(new Mfn(0x12345)); // local_irq_save/restore instead of the ASSERT
        var r417 = Boot("xen-4.17");
        r417.Cpu.LocalIrqCount = 1;
        Assert.Equal("!in_irq()", Assert.Throws<PmapInIrqAssertException>(() => r417.Pmap.Map(new Mfn(0x12345))).XenText);
    }

    [Fact]
    public void Seed_v3_refuses_more_slots_than_one_unsigned_long_and_4_17_takes_them()
    {
        var arch = new Arm64Architecture();
        var v3 = arch.Create(ArchSettings.For("seed-v3", numFixPmap: 65));
        Assert.Equal(64, v3.CommonCode.BitmapBits); // BUILD_BUG_ON(sizeof(inuse) * BITS_PER_BYTE < NUM_FIX_PMAP)
        var m = arch.Create(ArchSettings.For("xen-4.17", numFixPmap: 100)).Boot();
        for (var i = 0; i < 100; i++) m.Pmap.Map(new Mfn(0x40000UL + (ulong)i));
        Assert.Throws<OutOfPmapSlotsPanicException>(() => m.Pmap.Map(new Mfn(0x1)));
    }

    [Fact]
    public void Num_fix_pmap_that_overflows_xen_fixmap_is_refused()
    {
        var arch = new Arm64Architecture();
        // 4.17: FIXMAP_LAST = 65 + N must stay below 512 -> N <= 446. Upstream also needs a guard page: N <= 445.
        arch.Create(ArchSettings.For("xen-4.17", numFixPmap: 446));
        Assert.Throws<PmapConfigurationException>(() => arch.Create(ArchSettings.For("xen-4.17", numFixPmap: 447)));
        arch.Create(ArchSettings.For("upstream", numFixPmap: 445));
        var e = Assert.Throws<PmapConfigurationException>(() => arch.Create(ArchSettings.For("upstream", numFixPmap: 446)));
        Assert.Contains("BUILD_BUG_ON(FIXADDR_TOP >= BOOT_FDT_VIRT_START)", e.Message);
    }

    [Fact]
    public void A_missing_isb_is_flagged_on_4_17_and_faults_under_strict_ordering()
    {
        // 4.17: dsb; str; dsb and no isb, then the caller touches the VA (feaa9aca87's reasoning).
        var m = Boot("xen-4.17");
        var va = m.Pmap.Map(new Mfn(0x12345));
        m.WriteVirt64(va, 1);
        Assert.Contains(m.Trace.Events, e => e.Kind == TraceKind.Hazard && e.Va == va);

        var upstream = Boot("upstream");
        upstream.WriteVirt64(upstream.Pmap.Map(new Mfn(0x12345)), 1);
        Assert.DoesNotContain(upstream.Trace.Events, e => e.Kind == TraceKind.Hazard);

        var strict = Boot("xen-4.17", options: new MachineOptions { StrictOrdering = true });
        var sva = strict.Pmap.Map(new Mfn(0x12345));
        var fault = Assert.Throws<HypervisorFaultException>(() => strict.WriteVirt64(sva, 1));
        Assert.Equal(3, fault.Fault.Level);
    }

    [Fact]
    public void A_left_out_tlbi_shows_as_a_stale_translation()
    {
        var m = Boot("xen-4.17");
        var model = (Arm64Model)m.Arch;
        var va = m.Pmap.Map(new Mfn(0x12345));
        m.WriteVirt64(va, 0xfeed); // fills the TLB
        // Zap the PTE the way arch_pmap_unmap does but leave out flush_xen_tlb_range_va_local.
        model.WritePte(m, model.XenFixmap.Add(66 * 8), 0);
        Assert.Equal(0xfeedUL, m.ReadVirt64(va)); // the stale entry still translates
        Assert.Null(m.WalkFast(va, out _, out _, out _)); // while the tables say invalid

        model.FlushXenTlbRangeVaLocal(m, va, Page.Size);
        Assert.Throws<HypervisorFaultException>(() => m.ReadVirt64(va));
    }

    [Fact]
    public void After_unmap_the_slot_faults_and_a_remap_shows_the_new_frame()
    {
        var m = Boot("upstream");
        var va = m.Pmap.Map(new Mfn(0x41000));
        m.WriteVirt64(va, 1);
        m.Pmap.Unmap(va);
        Assert.Throws<HypervisorFaultException>(() => m.ReadVirt64(va));
        var again = m.Pmap.Map(new Mfn(0x42000));
        Assert.Equal(va, again); // the lowest free slot is reused
        Assert.Equal(0UL, m.ReadVirt64(again));
        Assert.Equal(0x42000000UL, m.Translate(again).Value);
    }
}
