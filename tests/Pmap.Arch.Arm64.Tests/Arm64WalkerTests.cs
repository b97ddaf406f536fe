using Pmap.Arch.Arm;
using Pmap.Core;
using Pmap.Core.Arch;
using Pmap.Core.Machine;

namespace Pmap.Arch.Arm64.Tests;

/// <summary>Core's walker over hand-built LPAE tables in a fresh arm64 machine.</summary>
public class Arm64WalkerTests
{
    private static readonly PhysAddr L0 = new(0x80000000), L1 = new(0x80001000), L2 = new(0x80002000), L3 = new(0x80003000);

    private static XenMachine HandBuilt()
    {
        var m = new Arm64Architecture().Create(ArchSettings.For("xen-4.17")).Boot();
        ulong Link(PhysAddr t) => Lpae.MfnToXenEntry(t.ToMfn(), Lpae.MtNormal, 48, true) | Lpae.Table;
        ulong Leaf(ulong pa) => Lpae.MfnToXenEntry(new Mfn(pa >> 12), Lpae.MtNormal, 48, true);
        // VA 0x0000_0080_0000_0000 + ...: L0[1] -> L1; L1[0] 1 GiB block; L1[1] -> L2; L2[0] 2 MiB block; L2[1] -> L3; L3[0] page.
        m.Memory.Write64(L0.Add(1 * 8), Link(L1));
        m.Memory.Write64(L1.Add(0 * 8), Leaf(0x1_4000_0000));
        m.Memory.Write64(L1.Add(1 * 8), Link(L2));
        m.Memory.Write64(L2.Add(0 * 8), Leaf(0x2_0000_0000));
        m.Memory.Write64(L2.Add(1 * 8), Link(L3));
        m.Memory.Write64(L3.Add(0 * 8), Leaf(0x1234_5000) | Lpae.Table);
        m.Cpu.Root = L0;
        return m;
    }

    private const ulong Base = 1UL << 39; // L0 index 1

    [Fact]
    public void A_1G_block_translates_with_the_va_offset()
    {
        var r = HandBuilt().WalkDetailed(new VirtAddr(Base + 0x1234567));
        Assert.Equal(0x1_4123_4567UL, r.Pa!.Value.Value);
        Assert.Equal(new[] { 0, 1 }, r.Steps.Select(s => s.Level));
        Assert.Equal(PteKind.Block, r.Steps[^1].Kind);
    }

    [Fact]
    public void A_2M_block_and_a_4K_page_translate()
    {
        var m = HandBuilt();
        Assert.Equal(0x2_0012_3456UL, m.WalkDetailed(new VirtAddr(Base + (1UL << 30) + 0x123456)).Pa!.Value.Value);
        var page = m.WalkDetailed(new VirtAddr(Base + (1UL << 30) + (1UL << 21) + 0xabc));
        Assert.Equal(0x1234_5abcUL, page.Pa!.Value.Value);
        Assert.Equal(new[] { (0, 1), (1, 1), (2, 1), (3, 0) }, page.Steps.Select(s => (s.Level, s.Index)));
        Assert.Equal(3, page.LeafLevel);
    }

    [Theory]
    [InlineData(0x0000_0100_0000_0000UL, 0)]              // L0[2] invalid
    [InlineData(Base + (2UL << 30), 1)]                   // L1[2] invalid
    [InlineData(Base + (1UL << 30) + (2UL << 21), 2)]     // L2[2] invalid
    [InlineData(Base + (1UL << 30) + (1UL << 21) + 0x1000, 3)] // L3[1] invalid
    public void An_invalid_entry_faults_at_its_level(ulong va, int level)
    {
        var r = HandBuilt().WalkDetailed(new VirtAddr(va));
        Assert.Null(r.Pa);
        Assert.Equal(level, r.Fault!.Level);
        Assert.Equal("invalid entry", r.Fault.Reason);
    }

    [Fact]
    public void A_va_above_48_bits_is_outside_ttbr0()
    {
        var r = HandBuilt().WalkDetailed(new VirtAddr(0xFFFF_0000_0000_0000));
        Assert.Null(r.Fault!.Level);
        Assert.False(new Arm64Architecture().Create(ArchSettings.For("xen-4.17")).Format.IsValidVa(new VirtAddr(1UL << 48)));
    }

    [Fact]
    public void The_boot_tables_reach_xen_fixmap_through_xen_second_2_on_4_17_and_5_upstream()
    {
        foreach (var (profile, l0, l2) in new[] { ("xen-4.17", 0, 2), ("upstream", 20, 5) })
        {
            var m = new Arm64Architecture().Create(ArchSettings.For(profile)).Boot();
            var va = m.Pmap.Map(new Mfn(0x12345));
            var r = m.WalkDetailed(va);
            Assert.Equal(new[] { l0, 0, l2, 66 }, r.Steps.Select(s => s.Index));
            Assert.Equal(((Arm64Model)m.Arch).XenFixmap, r.Steps[3].Table);
            // Links carry MT_NORMAL attributes with table = 1; xn cleared on the first two only (setup_pagetables).
            Assert.Equal(0x0000000000000F7FUL, r.Steps[0].Entry & ~Lpae.BaseMask);
            Assert.Equal(0x0000000000000F7FUL, r.Steps[1].Entry & ~Lpae.BaseMask);
            Assert.Equal(0x0040000000000F7FUL, r.Steps[2].Entry & ~Lpae.BaseMask);
        }
    }
}
