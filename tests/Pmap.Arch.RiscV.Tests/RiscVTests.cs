using Microsoft.Extensions.Configuration;
using Pmap.Conformance;
using Pmap.Core;
using Pmap.Core.Arch;
using Pmap.Core.Machine;
using Pmap.Core.Scenarios;

namespace Pmap.Arch.RiscV.Tests;

public class RiscVUpstreamConformance : ArchitectureConformanceTests
{
    protected override IArchitecture Architecture { get; } = new RiscVArchitecture();
}

public class RiscV420Conformance : ArchitectureConformanceTests
{
    protected override IArchitecture Architecture { get; } = new RiscVArchitecture();
    protected override string Profile => "xen-4.20";
}

public class RiscVTests
{
    /// <summary>The port's declared instruction of this mnemonic.</summary>
    private static Instruction I(XenMachine m, string mnemonic) => m.Arch.Instructions.Get(mnemonic, "the test");

    private static RiscVModel Model(string profile = "upstream", params (string Key, string Value)[] options) =>
        (RiscVModel)new RiscVArchitecture().Create(new ArchSettings(profile, 8, true, new ConfigurationBuilder()
            .AddInMemoryCollection(options.Select(o => new KeyValuePair<string, string?>(o.Key, o.Value))).Build()));

    [Theory]
    [InlineData("upstream", 0xFFFFFFFFC1800000UL, 0xFFFFFFFFC1809000UL)]
    [InlineData("xen-4.20", 0xFFFFFFFFC0A00000UL, 0xFFFFFFFFC0A09000UL)]
    public void Pmap_is_slots_0_to_7_then_fix_misc_with_no_off_by_one(string profile, ulong start, ulong top)
    {
        var f = Model(profile).Fixmap;
        Assert.Equal((0, 7, start, top), (f.FixPmapBegin, f.FixPmapEnd, f.FixaddrStart.Value, f.FixaddrTop.Value)); // TOP = FIXMAP_ADDR(FIX_LAST + 1)
        Assert.Equal("FIX_MISC", f.NameOf(8));
    }

    [Fact]
    public void Map_writes_the_ppn_at_bit_10_with_a_plain_store_then_sfence_vma()
    {
        var m = Model().Boot();
        var va = m.Pmap.Map(new Mfn(0x12345));
        Assert.Equal(0xFFFFFFFFC1800000UL, va.Value);
        var ev = m.Trace.Events.Where(e => e.Kind != TraceKind.Map).ToList();
        // pte_from_mfn(0x12345, V|R|W) = 0x12345 << 10 | 0x7 = 0x48d1407: A, D and G clear.
        Assert.Equal((TraceKind.PteWrite, "sd", 0x48D1407UL), (ev[0].Kind, ev[0].Op, ev[0].New!.Value));
        Assert.Equal((TraceKind.TlbFlush, "sfence.vma", va), (ev[1].Kind, ev[1].Op, ev[1].Va!.Value));
        Assert.Equal(2, ev.Count); // no fence instruction around the store
        var mark = m.Trace.Count;
        m.Pmap.Unmap(va);
        Assert.Equal(new[] { "sd", "sfence.vma" }, m.Trace.Since(mark).Where(e => e.Kind != TraceKind.Unmap).Select(e => e.Op));
    }

    [Fact]
    public void Three_levels_through_the_fixmap_tables()
    {
        var m = Model().Boot();
        var walk = m.WalkDetailed(m.Pmap.Map(new Mfn(0x12345)));
        Assert.Equal(new[] { (2, 511), (1, 12), (0, 0) }, walk.Steps.Select(s => (s.Level, s.Index)));
        Assert.Equal(0x12345000UL, walk.Pa!.Value.Value);
        Assert.False(m.Format.IsValidVa(new VirtAddr(0x0000004000000000))); // bit 38 set, 63..39 clear: not canonical
    }

    [Fact]
    public void Leaving_out_the_map_side_sfence_shows_as_a_spurious_fault_on_a_hart_that_caches_invalid_entries()
    {
        foreach (var (mapSfence, svvptc, faults) in new[] { (true, false, false), (false, false, true), (false, true, false) })
        {
            var m = Model("upstream", ("MapSfence", mapSfence.ToString()), ("Svvptc", svvptc.ToString())).Boot();
            var va = m.Pmap.Map(new Mfn(0x41000));
            m.Pmap.Unmap(va);
            // Something (a speculative walk, a stray access) looks at the slot while it is invalid: a negative entry.
            Assert.Throws<HypervisorFaultException>(() => m.ReadVirt64(va));
            var again = m.Pmap.Map(new Mfn(0x42000));
            if (faults)
            {
                var e = Assert.Throws<HypervisorFaultException>(() => m.ReadVirt64(again));
                Assert.Contains("cached", e.Fault.Reason);
            }
            else Assert.Equal(0UL, m.ReadVirt64(again));
        }
    }

    [Fact]
    public void Under_svade_the_first_touch_of_a_pmap_slot_faults_and_boot_dies()
    {
        var model = Model("upstream", ("AdBehaviour", "svade"));
        var m = model.Boot();
        var va = m.Pmap.Map(new Mfn(0x12345));
        var e = Assert.Throws<HypervisorFaultException>(() => m.ReadVirt64(va));
        Assert.Contains("A bit clear", e.Fault.Reason);

        var bank = new RamBank(new PhysAddr(0x80000000), 64UL << 20);
        var boot = model.Boot(new MachineOptions { Ram = [bank] });
        Assert.Throws<HypervisorFaultException>(() => BootScenario.Run(boot, bank)); // map_table → pmap_map → first read
    }

    [Fact]
    public void Under_svade_a_store_through_a_leaf_cached_by_a_load_still_faults_on_the_clear_d_bit()
    {
        var model = Model("upstream", ("AdBehaviour", "svade"));
        var m = model.Boot();
        var va = m.Pmap.Map(new Mfn(0x12345));
        // The slot's leaf with A set and D clear: a load passes and fills the TLB; the TLB holds the leaf's bits too.
        var entry = model.XenFixmap.Add((ulong)model.Fixmap.FixPmapBegin * 8);
        m.Memory.Write64(entry, m.Memory.Read64(entry) | Sv39Pte.A);
        m.FlushTlbVa(I(m, "sfence.vma"), va);
        Assert.Equal(0UL, m.ReadVirt64(va));
        Assert.True(m.Tlb.Translates(va));
        var misses = m.Counters.TlbMisses;

        var e = Assert.Throws<HypervisorFaultException>(() => m.WriteVirt64(va, 1));
        Assert.Contains("D bit clear on a store", e.Fault.Reason);
        Assert.Equal(misses, m.Counters.TlbMisses); // refused on the hit, with no walk
        Assert.Equal(0UL, m.Memory.Read64(new Mfn(0x12345).ToPhysAddr()));

        m.Memory.Write64(entry, m.Memory.Read64(entry) | Sv39Pte.D);
        m.FlushTlbVa(I(m, "sfence.vma"), va);
        m.WriteVirt64(va, 1);
        Assert.Equal(1UL, m.Memory.Read64(new Mfn(0x12345).ToPhysAddr()));
    }

    [Fact]
    public void The_boot_scenario_maps_leaves_with_a_and_d_set()
    {
        // QEMU virt RAM at 0x80000000: directmap_virt_start = SLOTN(200) - 0x80000000, so VA = SLOTN(200) for the base.
        var bank = new RamBank(new PhysAddr(0x80200000), 64UL << 20);
        var m = Model().Boot(new MachineOptions { Ram = [bank], TraceEnabled = false });
        var r = BootScenario.Run(m, bank);
        Assert.Equal(200UL << 30 | 0x200000, r.Mapped.Va.Value);
        Assert.Equal((16384UL, 32L), (r.VerifiedPages, r.Mappings["2M"]));
        var leaf = m.WalkDetailed(r.Mapped.Va).LeafEntry;
        Assert.Equal(0xC7UL, leaf & 0x3FF); // V|R|W|A|D
        Assert.Equal(1, r.TablesAllocated); // one level-1 table under root[200]
    }

    [Fact]
    public void Pt_update_ends_with_fence_rw_rw_then_a_remote_sfence_vma_of_everything()
    {
        // pt.c pt_update: RISCV_FENCE(rw, rw) = "fence rw,rw" (system.h), then flush_tlb_range_va(0, 0) =
        // sbi_remote_sfence_vma(NULL, 0, 0): an SBI RFENCE to every hart over the whole address space, insertions included.
        var model = Model();
        var m = model.Boot();
        var mark = m.Trace.Count;
        Assert.Equal(0, model.MapPagesToXen(m, RiscVModel.DirectmapStart, new Mfn(0x80000), 1, superpages: false));
        var tail = m.Trace.Since(mark).Where(e => e.Kind is TraceKind.Barrier or TraceKind.TlbFlush).TakeLast(2).Select(e => (e.Kind, e.Op, e.Va));
        Assert.Equal([(TraceKind.Barrier, "fence rw,rw", null), (TraceKind.TlbFlush, "sbi_remote_sfence_vma", (VirtAddr?)null)], tail);
    }
}
