using Microsoft.Extensions.Configuration;
using Pmap.Core;
using Pmap.Core.Arch;
using Pmap.Core.Machine;
using Pmap.TestArch;

namespace Pmap.Core.Tests;

public class NumbersTests
{
    [Theory]
    [InlineData("0x12345", 0x12345UL)]
    [InlineData("0X1f", 0x1fUL)]
    [InlineData("74565", 74565UL)]
    [InlineData("0xffffffffffffffff", ulong.MaxValue)]
    public void Parses_hex_and_decimal(string text, ulong value) => Assert.Equal(value, Hex.ParseNumber(text, "MFN"));

    [Theory]
    [InlineData("xyz")]
    [InlineData("-1")]
    [InlineData("0x")]
    [InlineData("0x1ffffffffffffffff")]
    [InlineData("18446744073709551616")]
    [InlineData("")]
    public void Refuses_garbage_naming_what_was_expected(string text)
    {
        var e = Assert.Throws<FormatException>(() => Hex.ParseNumber(text, "MFN"));
        Assert.Contains("not a valid MFN", e.Message);
    }

    [Theory]
    [InlineData("2G", 2UL << 30)]
    [InlineData("512M", 512UL << 20)]
    [InlineData("4K", 4096UL)]
    [InlineData("1T", 1UL << 40)]
    [InlineData("0x1000", 4096UL)]
    public void Parses_sizes(string text, ulong value) => Assert.Equal(value, Hex.ParseSize(text, "size"));

    [Fact]
    public void Formats_lower_case_with_prefix_and_sizes()
    {
        Assert.Equal("0x40000012345f7f", Hex.Format(0x0040000012345F7F));
        Assert.Equal("0x0", Hex.Format(0));
        Assert.Equal("2G", Hex.FormatSize(2UL << 30));
        Assert.Equal("4097", Hex.FormatSize(4097));
        Assert.Equal(new PhysAddr(0x12345000), new Mfn(0x12345).ToPhysAddr());
        Assert.Equal(new Mfn(0x12345), new PhysAddr(0x12345fff).ToMfn());
    }
}

public class MachinePiecesTests
{
    [Fact]
    public void Sparse_memory_reads_zero_and_allocates_only_on_write()
    {
        var mem = new PhysicalMemory();
        Assert.Equal(0UL, mem.Read64(new PhysAddr(0x7fff_0000_0000)));
        mem.Write64(new PhysAddr(0x1000), 0); // zero into a never-written frame costs nothing
        Assert.Equal(0, mem.FrameCount);
        mem.Write64(new PhysAddr(0x1008), 5);
        Assert.Equal(5UL, mem.Read64(new PhysAddr(0x1008)));
        Assert.Equal(1, mem.FrameCount);
        for (var i = 0UL; i < 100_000; i++) mem.Write64(new PhysAddr(0x1_0000_0000 + (i << 12)), i + 1);
        Assert.Equal(100_001, mem.FrameCount);
        Assert.Equal(77_778UL, mem.Read64(new PhysAddr(0x1_0000_0000 + (77_777UL << 12))));
        Assert.Throws<ArgumentException>(() => mem.Write64(new PhysAddr(0x1004), 1));
    }

    [Fact]
    public void Boot_allocator_hands_out_frames_top_down_skipping_reservations()
    {
        var a = new BootAllocator();
        a.InitBootPages(new PhysAddr(0x40000000), new PhysAddr(0x40010000)); // MFNs 0x40000..0x4000f
        a.Reserve(new PhysAddr(0x4000e000), new PhysAddr(0x4000f000));       // MFN 0x4000e
        Assert.Equal(0x4000fUL, a.AllocBootPages(1, 1).Value);
        Assert.Equal(0x4000dUL, a.AllocBootPages(1, 1).Value);
        Assert.Equal(0x40008UL, a.AllocBootPages(2, 4).Value); // (0x4000d - 2) & ~3 = 0x40008, the tail 0x4000a..c goes back
        Assert.Equal(0x4000cUL, a.AllocBootPages(1, 1).Value);
    }

    [Fact]
    public void Boot_allocator_BUGs_when_nothing_fits()
    {
        var a = new BootAllocator();
        a.InitBootPages(new PhysAddr(0x1000), new PhysAddr(0x2000));
        a.AllocBootPages(1, 1);
        var e = Assert.Throws<XenBugException>(() => a.AllocBootPages(1, 1));
        Assert.Equal("alloc_boot_pages", e.Where);
    }

    [Fact]
    public void Tlb_keeps_entries_until_flushed_by_va_or_all()
    {
        var t = new Tlb(64);
        t.Fill(new VirtAddr(0x442000), new PhysAddr(0x12345000), 1, 3, 0);
        t.FillNegative(new VirtAddr(0x443000));
        Assert.True(t.Contains(new VirtAddr(0x442abc)));
        Assert.True(t.Contains(new VirtAddr(0x443000)));
        t.FlushVa(new VirtAddr(0x443000));
        Assert.False(t.Contains(new VirtAddr(0x443000)));
        Assert.True(t.Contains(new VirtAddr(0x442000)));
        t.FlushAll();
        Assert.Equal(0, t.Count);
    }

    [Theory]
    [InlineData(0, 3, 0, 39)] // Arm: root 0, leaf 3
    [InlineData(0, 3, 3, 12)]
    [InlineData(4, 1, 4, 39)] // x86: L4 .. L1
    [InlineData(4, 1, 2, 21)]
    [InlineData(2, 0, 2, 30)] // RISC-V Sv39: L2 .. L0
    [InlineData(1, 3, 1, 30)] // Arm32 LPAE: root 1
    public void Level_shifts_follow_the_distance_to_the_leaf(int root, int leaf, int level, int shift) =>
        Assert.Equal(shift, new PageTableFormat(root, leaf, 48, 48, VaRange.ZeroExtended).LevelShift(level));

    [Fact]
    public void Canonical_and_zero_extended_va_ranges()
    {
        var x86 = new PageTableFormat(4, 1, 48, 52, VaRange.SignExtended);
        Assert.True(x86.IsValidVa(new VirtAddr(0xffff82cffffff000)));
        Assert.True(x86.IsValidVa(new VirtAddr(0x00007fffffffffff)));
        Assert.False(x86.IsValidVa(new VirtAddr(0x0000800000000000)));
        var arm = new PageTableFormat(0, 3, 48, 48, VaRange.ZeroExtended);
        Assert.False(arm.IsValidVa(new VirtAddr(0xffff000000000000)));
        Assert.Equal(new[] { 4, 3, 2, 1 }, x86.WalkOrder);
        Assert.Equal(4, x86.Levels);
    }

    [Fact]
    public void Fixmaps_up_and_down_are_inverse_and_bug_outside()
    {
        var down = new FixmapLayout
        {
            TableName = "l1_fixmap",
            Direction = SlotDirection.Down,
            FixaddrStart = new VirtAddr(0xffff82cfffced000),
            FixaddrTop = new VirtAddr(0xffff82cffffff000),
            FixPmapBegin = 4,
            FixPmapEnd = 12,
            NumFixPmap = 8,
            Ranges = [new FixmapRange("FIX_PMAP", 4, 12)],
            EndOfFixedAddresses = 786,
            VirtToFixSite = null,
        };
        Assert.Equal(0xffff82cfffffb000UL, down.FixToVirt(4).Value);
        for (var i = 1; i < 786; i++) Assert.Equal(i, down.VirtToFix(down.FixToVirt(i)));
        Assert.Throws<VirtToFixBugException>(() => down.VirtToFix(new VirtAddr(0xffff82cffffff000)));
        var up = new FakeArchitecture().Create(ArchSettings.For("plain")).Fixmap;
        for (var i = 0; i < up.EndOfFixedAddresses; i++) Assert.Equal(i, up.VirtToFix(up.FixToVirt(i)));
        Assert.Equal("FIX_PMAP[3]", up.NameOf(5));
    }
}
