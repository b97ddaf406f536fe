using CsCheck;
using Microsoft.Extensions.Configuration;
using Pmap.Core;
using Pmap.Core.Arch;
using Pmap.Core.Machine;
using Pmap.Core.Scenarios;

namespace Pmap.Arch.X86.Tests;

public class X86Tests
{
    private static ArchSettings Settings(int numFixPmap = 8, params (string Key, string Value)[] options) =>
        new("series-v5", numFixPmap, true, new ConfigurationBuilder()
            .AddInMemoryCollection(options.Select(o => new KeyValuePair<string, string?>(o.Key, o.Value))).Build());

    private static X86Model Model(int numFixPmap = 8, params (string Key, string Value)[] options) =>
        (X86Model)new X86Architecture().Create(Settings(numFixPmap, options));

    private static XenMachine Boot(X86Model? model = null, MachineOptions? options = null) => (model ?? Model()).Boot(options);

    [Fact]
    public void Default_layout_grows_down_with_pmap_at_4_to_11_and_a_dead_slot_12()
    {
        var f = Model().Fixmap;
        Assert.Equal(SlotDirection.Down, f.Direction);
        Assert.Equal(0xFFFF82CFFFFFF000UL, f.FixaddrTop.Value);              // VMAP_VIRT_END - PAGE_SIZE
        Assert.Equal((4, 12, 786), (f.FixPmapBegin, f.FixPmapEnd, f.EndOfFixedAddresses)); // docs/XEN_FACTS.md §4.2 defaults
        Assert.Equal(0xFFFF82CFFFCED000UL, f.FixaddrStart.Value);            // FIXADDR_TOP - 786 pages
        for (var i = 0; i < f.EndOfFixedAddresses; i++) Assert.Equal(f.FixaddrTop.Value - ((ulong)i << 12), f.FixToVirt(i).Value);
        Assert.Equal("FIX_APIC_BASE", f.NameOf(13));
        Assert.Contains(Model().Notes, n => n.Contains("slot 12 is dead"));
    }

    [Theory]
    [InlineData(false, false, 4, 13, 786)]
    [InlineData(true, false, 260, 269, 1042)]
    [InlineData(false, true, 6, 15, 788)]
    [InlineData(true, true, 262, 271, 1044)]
    public void Build_options_move_the_enum_as_xen_facts_computes(bool xhci, bool xenGuest, int begin, int apic, int end)
    {
        var f = Model(8, ("Xhci", xhci.ToString()), ("XenGuest", xenGuest.ToString())).Fixmap;
        Assert.Equal((begin, begin + 8, end), (f.FixPmapBegin, f.FixPmapEnd, f.EndOfFixedAddresses));
        Assert.Equal("FIX_APIC_BASE", f.NameOf(apic));
    }

    [Fact]
    public void Map_writes_one_pte_with_a_single_mov_and_no_barrier()
    {
        var m = Boot();
        var va = m.Pmap.Map(new Mfn(0x12345));
        Assert.Equal(0xFFFF82CFFFFFB000UL, va.Value);
        var events = m.Trace.Events.Where(e => e.Kind != TraceKind.Map).ToList();
        var w = Assert.Single(events);
        // PAGE_HYPERVISOR = P|RW|A|D|G = 0x163 plus _PAGE_NX (flag bit 23 -> PTE bit 63): 0x8000000012345163.
        Assert.Equal((TraceKind.PteWrite, "l1_fixmap", 507, 0x8000000012345163UL, "mov"), (w.Kind, w.Table, w.Entry!.Value, w.New!.Value, w.Op));
        Assert.Equal(0x12345000UL, m.Translate(va).Value);
    }

    [Fact]
    public void Unmap_clears_the_entry_and_invlpgs_the_va()
    {
        var m = Boot();
        var va = m.Pmap.Map(new Mfn(0x12345));
        var mark = m.Trace.Count;
        m.Pmap.Unmap(va);
        var ops = m.Trace.Since(mark).Where(e => e.Kind != TraceKind.Unmap).Select(e => (e.Op, e.Va ?? default)).ToList();
        Assert.Equal(new[] { ("mov", default(VirtAddr)), ("invlpg", va) }, ops.Select(o => (o.Op!, o.Item2)));
    }

    [Fact]
    public void Without_nx_the_pte_has_no_bit_63()
    {
        Assert.Equal(0x0000000012345163UL, PmapSequence.Observe(Model(8, ("Nx", "false")), new Mfn(0x12345)).Pte);
        Assert.Equal(0x8000000000000163UL, X86Pte.PutPteFlags(0x800163));
        Assert.Equal(0x800163u, X86Pte.GetPteFlags(0x8000000012345163));
    }

    [Fact]
    public void With_xhci_the_slots_move_to_260_and_still_fit_l1_fixmap()
    {
        var model = Model(8, ("Xhci", "true"));
        var m = Boot(model);
        var va = m.Pmap.Map(new Mfn(0x12345));
        Assert.Equal(260, model.Fixmap.VirtToFix(va));
        Assert.Equal(0xFFFF82CFFFEFB000UL, va.Value);
        Assert.Equal(511 - 260, m.Trace.Events.Single(e => e.Kind == TraceKind.PteWrite).Entry);
    }

    [Fact]
    public void Configuration_that_pushes_early_slots_out_of_l1_fixmap_is_refused()
    {
        // FIX_APIC_BASE - 1 must stay <= 511 (the series' BUILD_BUG_ON).
        Model(8, ("Xhci", "true"), ("MaxXhciPages", "499"));    // FIX_APIC_BASE = 4 + 499 + 9 = 512: fits
        var e = Assert.Throws<PmapConfigurationException>(() => Model(8, ("Xhci", "true"), ("MaxXhciPages", "500")));
        Assert.Equal("MaxXhciPages", e.Key);
        Assert.Contains("BUILD_BUG_ON(FIX_APIC_BASE - 1 > L1_PAGETABLE_ENTRIES - 1)", e.Message);
        Model(507); // FIX_APIC_BASE = 4 + 507 + 1 = 512
        Assert.Equal("NumFixPmap", Assert.Throws<PmapConfigurationException>(() => Model(508)).Key);
        Assert.Throws<PmapConfigurationException>(() => Model(8, ("Nx", "perhaps")));
    }

    [Fact]
    public void The_dead_slot_passes_the_range_assert_and_an_out_of_range_bit_is_cleared()
    {
        // FIX_PMAP_END is one past the last slot common code hands out; unmapping it passes the ASSERT.
        var m = Boot();
        m.Pmap.Unmap(m.Arch.Fixmap.FixToVirt(12));
        // idx = 12 - FIX_PMAP_BEGIN (4) = 8: past NUM_FIX_PMAP but inside inuse's one 64-bit unsigned long, so it is no
        // out-of-bounds write (pmap.c's DECLARE_BITMAP stores whole longs).
        var hazard = Assert.Single(m.Trace.Events, e => e.Kind == TraceKind.Hazard);
        Assert.Contains("__clear_bit(8)", hazard.Detail!);
        Assert.Contains("stays in storage", hazard.Detail!);
        Assert.DoesNotContain("out-of-bounds", hazard.Detail!);
        Assert.Throws<PmapSlotRangeAssertException>(() => m.Pmap.Unmap(m.Arch.Fixmap.FixToVirt(13)));
    }

    [Fact]
    public void Walks_below_the_fixmap_fault_and_non_canonical_vas_are_refused()
    {
        var m = Boot();
        var r = m.WalkDetailed(new VirtAddr(0x1234));
        Assert.Equal((4, "invalid entry"), (r.Fault!.Level!.Value, r.Fault.Reason));
        Assert.False(m.Format.IsValidVa(new VirtAddr(0x0000800000000000)));
        Assert.True(m.Format.IsValidVa(new VirtAddr(0xFFFF800000000000)));
    }

    [Fact]
    public void The_fixmap_hangs_off_idle_pg_table_261_l3_319_l2_511()
    {
        var m = Boot();
        var walk = m.WalkDetailed(m.Pmap.Map(new Mfn(0x12345)));
        Assert.Equal(new[] { 261, 319, 511, 507 }, walk.Steps.Select(s => s.Index));
        Assert.All(walk.Steps.Take(3), s => Assert.Equal(0x63UL, s.Entry & 0xFFF)); // __PAGE_HYPERVISOR
    }

    [Fact]
    public void Walker_handles_4k_2m_1g_and_not_present_at_each_level()
    {
        var model = Model();
        var m = Boot(model);
        var pt = new[] { 0x7000000UL, 0x7001000UL, 0x7002000UL, 0x7003000UL }; // L4, L3, L2, L1
        ulong Table(ulong pa) => pa | 0x63;
        m.Memory.Write64(new PhysAddr(pt[0] + 8 * 1), Table(pt[1]));
        m.Memory.Write64(new PhysAddr(pt[1] + 8 * 0), 0x4000_0000UL | 0x1e3);        // 1 GiB page (PSE)
        m.Memory.Write64(new PhysAddr(pt[1] + 8 * 1), Table(pt[2]));
        m.Memory.Write64(new PhysAddr(pt[2] + 8 * 0), 0x8020_0000UL | 0x1e3);        // 2 MiB page
        m.Memory.Write64(new PhysAddr(pt[2] + 8 * 1), Table(pt[3]));
        m.Memory.Write64(new PhysAddr(pt[3] + 8 * 0), 0x1234_5000UL | 0x163);        // 4 KiB page
        m.Cpu.Root = new PhysAddr(pt[0]);
        const ulong b = 1UL << 39;
        Assert.Equal(0x4012_3456UL, m.WalkDetailed(new VirtAddr(b + 0x123456)).Pa!.Value.Value);
        Assert.Equal(0x8021_2345UL, m.WalkDetailed(new VirtAddr(b + (1UL << 30) + 0x12345)).Pa!.Value.Value);
        Assert.Equal(0x1234_5678UL, m.WalkDetailed(new VirtAddr(b + (1UL << 30) + (1UL << 21) + 0x678)).Pa!.Value.Value);
        foreach (var (va, level) in new[]
            { (2 * b, 4), (b + (2UL << 30), 3), (b + (1UL << 30) + (2UL << 21), 2), (b + (1UL << 30) + (1UL << 21) + 0x1000, 1) })
            Assert.Equal(level, m.WalkDetailed(new VirtAddr(va)).Fault!.Level);
    }

    [Fact]
    public void Decode_round_trips_encoded_entries()
    {
        IPteCodec codec = new X86Codec();
        Gen.Select(Gen.ULong[0, (1UL << 40) - 1], Gen.Bool).Sample((mfn, nx) =>
        {
            var raw = X86Pte.FromMfn(new Mfn(mfn), X86Pte.PageHypervisor(nx));
            var d = codec.Decode(raw, 1);
            ulong F(string n) => d.Fields.Single(f => f.Name == n).Value;
            return d.Kind == PteKind.Page && d.OutputAddress!.Value.Value == mfn << 12
                   && F("P") == 1 && F("RW") == 1 && F("US") == 0 && F("A") == 1 && F("D") == 1 && F("G") == 1 && F("NX") == (nx ? 1UL : 0);
        });
    }

    [Theory]
    [InlineData(0x100000000UL, 2UL << 30, 2, 0, 0, 1)]   // 1 GiB aligned: two 1 GiB pages under one new L3 table
    [InlineData(0x100200000UL, 4UL << 20, 0, 2, 0, 2)]   // 2 MiB aligned: new L3 and L2 tables
    [InlineData(0x100001000UL, 64UL << 10, 0, 0, 16, 3)] // 4 KiB pages need L3, L2 and L1 tables
    public void Boot_maps_the_directmap_through_pmap_with_large_pages_where_aligned(ulong ramBase, ulong size, int g1, int m2, int k4, int tables)
    {
        var bank = new RamBank(new PhysAddr(ramBase), size);
        var m = Boot(options: new MachineOptions { Ram = [bank], TraceEnabled = false });
        var r = BootScenario.Run(m, bank);
        Assert.Equal(size >> 12, r.VerifiedPages);
        Assert.Null(r.FirstMismatch);
        Assert.Equal((g1, m2, k4), ((int)r.Mappings["1G"], (int)r.Mappings["2M"], (int)r.Mappings["4K"]));
        Assert.Equal(tables, r.TablesAllocated);
        Assert.Equal(0, r.PmapSlotsInUseAfter);
        Assert.Equal(0xFFFF830000000000UL + ramBase, r.Mapped.Va.Value);
    }

    [Fact]
    public void Without_1g_pages_the_directmap_uses_2m_pages()
    {
        var bank = new RamBank(new PhysAddr(0x100000000), 1UL << 30);
        var m = Boot(Model(8, ("Page1Gb", "false")), new MachineOptions { Ram = [bank], TraceEnabled = false });
        var r = BootScenario.Run(m, bank);
        Assert.Equal((0L, 512L), (r.Mappings["1G"], r.Mappings["2M"]));
    }
}
