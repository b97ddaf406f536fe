using Microsoft.Extensions.Configuration;
using Pmap.Arch.Arm;
using Pmap.Core;
using Pmap.Core.Arch;
using Pmap.Core.Machine;
using Pmap.Core.Scenarios;

namespace Pmap.Arch.Arm32.Tests;

public class Arm32Tests
{
    private static XenMachine Boot(string profile = "xen-4.17", ArchSettings? settings = null, MachineOptions? options = null) =>
        new Arm32Architecture().Create(settings ?? ArchSettings.For(profile)).Boot(options);

    private static ArchSettings WithOption(string key, string value) =>
        ArchSettings.For("xen-4.17", section: new Microsoft.Extensions.Configuration.ConfigurationBuilder()
            .AddInMemoryCollection([new KeyValuePair<string, string?>(key, value)]).Build());

    [Theory]
    [InlineData("xen-4.17", 0x442000UL, new[] { "dsb sy", "strd", "dsb sy" })]
    [InlineData("upstream", 0x00A42000UL, new[] { "dsb sy", "strd", "dsb sy", "isb" })]
    public void Map_writes_the_same_lpae_entry_as_arm64_with_strd(string profile, ulong va, string[] ops)
    {
        var m = Boot(profile);
        Assert.Equal(va, m.Pmap.Map(new Mfn(0x12345)).Value);
        // The same 64-bit lpae_t as Arm64: 0x0040000012345f7f (docs/XEN_FACTS.md §3.6), one 64-bit strd.
        var write = m.Trace.Events.Single(e => e.Kind == TraceKind.PteWrite);
        Assert.Equal((0x0040000012345F7FUL, 66, "xen_fixmap"), (write.New!.Value, write.Entry!.Value, write.Table));
        Assert.Equal(ops, m.Trace.Events.Where(e => e.Kind is TraceKind.Barrier or TraceKind.PteWrite).Select(e => e.Op).ToArray());
    }

    [Theory]
    [InlineData("xen-4.17.0", "dsb sy", "dsb sy")]
    [InlineData("upstream", "dsb nshst", "dsb nsh")]
    public void Unmap_flushes_with_TLBIMVAH(string profile, string before, string after)
    {
        var m = Boot(profile);
        var va = m.Pmap.Map(new Mfn(0x12345));
        var mark = m.Trace.Count;
        m.Pmap.Unmap(va);
        var ops = m.Trace.Since(mark).Where(e => e.Kind != TraceKind.Unmap).Select(e => e.Op!).ToArray();
        Assert.Equal(new[] { "dsb sy", "strd", "dsb sy", before, "TLBIMVAH", after, "isb" }, ops);
        // TLBIMVAH (mcr p15, 4, Rt, c8, c7, 1) takes the MVA itself in Rt, unlike arm64's tlbi vae2 (VA >> 12).
        Assert.Equal(va.Value, m.Trace.Since(mark).Single(e => e.Kind == TraceKind.TlbFlush).Reg);
    }

    [Fact]
    public void A_frame_beyond_40_bits_hits_the_paddr_assert()
    {
        // MFN 0x10000000 << 12 = 0x10000000000: bit 40 set, beyond PADDR_BITS 40.
        var e = Assert.Throws<XenAssertException>(() => Boot().Pmap.Map(new Mfn(0x10000000)));
        Assert.Equal("!(mfn_to_maddr(mfn) & ~PADDR_MASK)", e.XenText);
        Boot().Pmap.Map(new Mfn(0xFFFFFFF)); // the largest 40-bit frame maps
    }

    [Fact]
    public void Three_levels_from_cpu0_pgtable_to_xen_fixmap()
    {
        var m = Boot();
        var walk = m.WalkDetailed(m.Pmap.Map(new Mfn(0x12345)));
        Assert.Equal(new[] { 1, 2, 3 }, walk.Steps.Select(s => s.Level));
        Assert.Equal(new[] { 0, 2, 66 }, walk.Steps.Select(s => s.Index)); // 0x442000: L1 0, L2 2, L3 66
        Assert.Equal(0x12345000UL, walk.Pa!.Value.Value);
        Assert.False(m.Arch.Format.IsValidVa(new VirtAddr(1UL << 32)));
        Assert.Equal(PteKind.Block, m.Arch.Codec.Classify(0x0040000040000F7D, 1)); // LPAE level-1 1 GiB block
    }

    [Fact]
    public void Unmapping_slot_73_hits_the_BUG_ON_on_4_17_as_on_arm64()
    {
        var m = Boot();
        var vas = Enumerable.Range(0, 8).Select(i => m.Pmap.Map(new Mfn(0x40000UL + (ulong)i))).ToList();
        Assert.Throws<VirtToFixBugException>(() => m.Pmap.Unmap(vas[7]));
        var up = Boot("upstream");
        foreach (var va in Enumerable.Range(0, 8).Select(i => up.Pmap.Map(new Mfn(0x40000UL + (ulong)i))).Reverse().ToList()) up.Pmap.Unmap(va);
    }

    [Fact]
    public void Seed_v3_bitmap_is_one_32_bit_long_on_arm32()
    {
        Assert.Equal(32, new Arm32Architecture().Create(ArchSettings.For("seed-v3")).CommonCode.BitmapBits);
        var m = Boot("seed-v3");
        m.Cpu.LocalIrqCount = 1;
        m.Pmap.Map(new Mfn(1)); // no in-IRQ ASSERT in v3
    }

    private static BootReport BootBank(ulong size, ArchSettings? settings = null)
    {
        var bank = new RamBank(new PhysAddr(0x40000000), size);
        var m = Boot(settings: settings, options: new MachineOptions { Ram = [bank], TraceEnabled = false });
        return BootScenario.Run(m, bank);
    }

    [Fact]
    public void A_1G_bank_gets_a_32M_xenheap_at_its_top_in_contiguous_2M_blocks()
    {
        // setup_mm: 262144 pages / 32 = 8192 pages = 32 MiB (already a multiple of 0x2000 pages); consider_modules puts
        // it at the highest 32 MiB-aligned end clear of Xen's image: 0x80000000. XENHEAP_VIRT_START 0x40000000 and PA
        // 0x7e000000 are 32 MiB aligned but not 1 GiB aligned: 16 contiguous 2 MiB blocks in one new level-2 table.
        var r = BootBank(1UL << 30);
        Assert.Equal((0x40000000UL, 0x7E000000UL, 8192UL), (r.Mapped.Va.Value, r.Mapped.Pa.Value, r.Mapped.Pages));
        Assert.Equal(8192UL, r.VerifiedPages);
        Assert.Null(r.FirstMismatch);
        Assert.Equal((16L, 16L, 1L), (r.Mappings["2M"], r.Contiguous, r.TablesAllocated));
        Assert.Equal(0, r.PmapSlotsInUseAfter);
    }

    [Fact]
    public void A_2G_bank_is_not_refused_xen_maps_a_64M_xenheap_and_leaves_the_rest_to_the_domheap()
    {
        var r = BootBank(2UL << 30);
        Assert.Equal((0xBC000000UL, 16384UL), (r.Mapped.Pa.Value, r.Mapped.Pages)); // 524288 / 32 = 16384 pages
        Assert.Equal(16384UL, r.VerifiedPages);
        Assert.Equal((32L, 32L), (r.Mappings["2M"], r.Contiguous));
        // PRIpaddr on arm32 is "016llx" (asm/types.h): 16 hex digits, no 0x.
        Assert.Contains("Xen heap: 00000000bc000000-00000000c0000000 (16384 pages)", r.Mapped.Note);
    }

    [Fact]
    public void Xenheap_megabytes_1024_maps_one_1G_block_and_more_than_the_window_is_refused()
    {
        // 1 GiB at the top of a 2 GiB bank: PA 0x80000000, VA 0x40000000, both 1 GiB aligned: cpu0_pgtable[1] is the block.
        var r = BootBank(2UL << 30, WithOption("XenheapMegabytes", "1024"));
        Assert.Equal((0x80000000UL, 262144UL, 1L, 0L), (r.Mapped.Pa.Value, r.VerifiedPages, r.Mappings["1G"], r.TablesAllocated));
        Assert.Throws<PmapConfigurationException>(() => new Arm32Architecture().Create(WithOption("XenheapMegabytes", "1025")));
    }

    [Fact]
    public void A_xenheap_that_cannot_fit_panics_like_xen()
    {
        var e = Assert.Throws<XenPanicException>(() => BootBank(512UL << 20, WithOption("XenheapMegabytes", "1024")));
        Assert.Equal("Not enough space for xenheap", e.XenText);
    }
}
