using Pmap.Arch.Arm;
using Pmap.Arch.RiscV;
using Pmap.Arch.X86;
using Pmap.Core;

namespace Pmap.Verify.Tests;

/// <summary>WithOutputAddress: the address replaced, every other bit kept, per format.</summary>
public class CodecRelinkTests
{
    [Fact]
    public void Lpae_table_link_keeps_its_flags()
    {
        var codec = new LpaeCodec();
        // A Xen table link: valid | table (0b11) at xen_second 0x40329000, hints above bit 47 kept.
        const ulong link = 0x0018_0000_4032_9003;
        var moved = codec.WithOutputAddress(link, 1, new PhysAddr(0x7FE0_0000));
        Assert.Equal(0x0018_0000_7FE0_0003UL, moved);
        Assert.Equal(0x7FE0_0000UL, codec.OutputAddress(moved, 1).Value);
        Assert.Throws<NotSupportedException>(() => codec.WithOutputAddress(link, 1, new PhysAddr(1UL << 48)));
    }

    [Fact]
    public void X86_large_page_keeps_its_pat_bit()
    {
        var codec = new X86Codec();
        // A 2 MiB page (PS, bit 7) at 0x4000_0000 with PAT (bit 12) set, PAGE_HYPERVISOR 0x163 and NX.
        const ulong large = 0x8000_0000_4000_11E3;
        var moved = codec.WithOutputAddress(large, 2, new PhysAddr(0x8020_0000));
        Assert.Equal(0x8000_0000_8020_11E3UL, moved);
        Assert.Throws<NotSupportedException>(() => codec.WithOutputAddress(large, 2, new PhysAddr(0x8020_1000)));
        Assert.Equal(0x0000_0000_0020_0063UL, codec.WithOutputAddress(0x0000_0001_0000_3063, 4, new PhysAddr(0x20_0000)));
    }

    [Fact]
    public void Sv39_ppn_is_stored_shifted()
    {
        var codec = new Sv39Codec();
        // PTE_TABLE (V) linking to 0x80200000: PPN 0x80200 << 10 = 0x20080000.
        Assert.Equal(0x2008_0001UL, codec.WithOutputAddress(0x2000_0401, 2, new PhysAddr(0x8020_0000)));
        Assert.Throws<NotSupportedException>(() => codec.WithOutputAddress(0x1, 2, new PhysAddr(0x8020_0800)));
    }

    [Fact]
    public void The_default_rewrites_an_in_place_address_and_refuses_what_it_cannot_hold()
    {
        IPteCodec codec = new InPlaceCodec();
        Assert.Equal(0x0000_0000_0000_7003UL, codec.WithOutputAddress(0x5003, 1, new PhysAddr(0x7000)));
        Assert.Throws<NotSupportedException>(() => codec.WithOutputAddress(0x5003, 1, new PhysAddr(0x7001)));
    }

    /// <summary>A format with the address at bits 47:12, flags below, and no override: the interface's default applies.</summary>
    private sealed class InPlaceCodec : IPteCodec
    {
        public PteKind Classify(ulong raw, int level) => (raw & 1) == 0 ? PteKind.Invalid : PteKind.Table;

        public PhysAddr OutputAddress(ulong raw, int level) => new(raw & 0x0000_FFFF_FFFF_F000);

        public IReadOnlyList<PteField> Fields(ulong raw, int level, PteKind kind) => [];
    }
}
