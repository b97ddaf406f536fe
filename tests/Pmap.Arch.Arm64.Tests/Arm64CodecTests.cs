using CsCheck;
using Pmap.Arch.Arm;
using Pmap.Core;
using Pmap.Core.Arch;
using Pmap.Core.Machine;
using Pmap.Core.Scenarios;

namespace Pmap.Arch.Arm64.Tests;

public class Arm64CodecTests
{
    private static readonly IPteCodec Codec = new LpaeCodec();

    // mfn_to_xen_entry(0x12345, attr): valid 0x1 | AttrIndx<<2 | NS 0x20 | AP[1] 0x40 | SH<<8 | AF 0x400 | nG 0x800 | XN 1<<54.
    [Theory]
    [InlineData(Lpae.MtNormal, 0x0040000012345F7DUL)]          // AI 7 (0x1c), SH inner (0x300)
    [InlineData(Lpae.MtDeviceNGnRE, 0x0040000012345E71UL)]     // AI 4 (0x10), SH outer (0x200)
    [InlineData(Lpae.MtNormalNc, 0x0040000012345E65UL)]        // AI 1 (0x04), SH outer
    [InlineData(Lpae.MtDeviceNGnRnE, 0x0040000012345E61UL)]    // AI 0, SH outer
    [InlineData(Lpae.MtNormalWb, 0x0040000012345F6DUL)]        // AI 3 (0x0c), SH inner
    [InlineData(Lpae.PageHypervisorRw, 0x0040000012345F7DUL)]  // 0x2f: AI = 0x2f & 7 = 7, switch default -> inner
    public void Mfn_to_xen_entry_matches_xen(uint attr, ulong expected) =>
        Assert.Equal(expected, Lpae.MfnToXenEntry(new Mfn(0x12345), attr, 48, debug: true));

    [Theory]
    [InlineData(0x12345UL, 0x0040000012345F7FUL)]
    [InlineData(0x0UL, 0x0040000000000F7FUL)]
    [InlineData(0xFFFFFFFFFUL, 0x0040FFFFFFFFFF7FUL)] // the largest 48-bit frame
    [InlineData(0x40000UL, 0x0040000040000F7FUL)]
    public void Pmap_entry_is_mfn_to_xen_entry_with_the_table_bit(ulong mfn, ulong expected)
    {
        var model = new Arm64Architecture().Create(ArchSettings.For("xen-4.17"));
        Assert.Equal(expected, PmapSequence.Observe(model, new Mfn(mfn)).Pte);
    }

    [Fact]
    public void Paddr_assert_fires_beyond_48_bits_in_debug_only()
    {
        var e = Assert.Throws<XenAssertException>(() => Lpae.MfnToXenEntry(new Mfn(1UL << 36), Lpae.MtNormal, 48, debug: true));
        Assert.Equal("!(mfn_to_maddr(mfn) & ~PADDR_MASK)", e.XenText);
        Assert.Equal("mfn_to_xen_entry", e.Where);
        // Release build: the base bitfield silently truncates the MFN to 36 bits.
        Assert.Equal(0UL, Lpae.GetMfn(Lpae.MfnToXenEntry(new Mfn(1UL << 36), Lpae.MtNormal, 48, debug: false)).Value);
    }

    [Fact]
    public void Decode_names_every_field_of_the_pmap_entry()
    {
        var d = Codec.Decode(0x0040000012345F7F, 3);
        Assert.Equal(PteKind.Page, d.Kind);
        Assert.Equal(0x12345000UL, d.OutputAddress!.Value.Value);
        string Meaning(string name) => d.Fields.Single(f => f.Name == name).Meaning;
        ulong Value(string name) => d.Fields.Single(f => f.Name == name).Value;
        Assert.Equal(7UL, Value("AttrIndx"));
        Assert.StartsWith("MT_NORMAL ", Meaning("AttrIndx"));
        Assert.Equal("inner shareable", Meaning("SH"));
        Assert.Equal(1UL, Value("XN"));
        Assert.Equal(1UL, Value("nG"));
        Assert.Equal(1UL, Value("AF"));
        Assert.Equal(0UL, Value("AP[2]"));
        Assert.Equal("4:2", d.Fields.Single(f => f.Name == "AttrIndx").Bits);
    }

    [Theory]
    [InlineData(0x0UL, 3, PteKind.Invalid)]
    [InlineData(0x0040000012345F7DUL, 3, PteKind.Reserved)] // level 3 without the table bit
    [InlineData(0x0040000040000F7DUL, 1, PteKind.Block)]   // 1 GiB block
    [InlineData(0x0040000040000F7DUL, 2, PteKind.Block)]   // 2 MiB block
    [InlineData(0x0040000040000F7DUL, 0, PteKind.Reserved)] // no level-0 block with a 4 KiB granule
    [InlineData(0x0000000040000F7FUL, 0, PteKind.Table)]
    public void Classify_by_level(ulong raw, int level, PteKind kind) => Assert.Equal(kind, Codec.Classify(raw, level));

    [Fact]
    public void Table_descriptors_decode_their_own_attributes()
    {
        var d = Codec.Decode(0xF800000012345003, 1);
        Assert.Equal(PteKind.Table, d.Kind);
        Assert.Equal(new[] { 1UL, 1UL, 3UL, 1UL },
            new[] { "PXNTable", "XNTable", "APTable", "NSTable" }.Select(n => d.Fields.Single(f => f.Name == n).Value));
    }

    [Fact]
    public void Decode_of_an_encoded_entry_gives_its_parts_back()
    {
        // For any frame within PADDR_BITS, memory type and level: the decoded fields are the encoded ones.
        var gen = Gen.Select(Gen.ULong[0, (1UL << 36) - 1], Gen.UInt[0, 7], Gen.Int[1, 3], Gen.Bool, Gen.Bool);
        gen.Sample((mfn, ai, level, ro, xn) =>
        {
            var raw = Lpae.MfnToXenEntry(new Mfn(mfn), ai, 48, debug: true);
            raw = ro ? raw | Lpae.Ro : raw;
            raw = xn ? raw : raw & ~Lpae.Xn;
            if (level == 3) raw |= Lpae.Table;
            var size = 1UL << (12 + 9 * (3 - level));
            var aligned = (mfn << 12) % size == 0;
            var d = Codec.Decode(raw, level);
            var field = (string n) => d.Fields.Single(f => f.Name == n).Value;
            return d.Kind == (level == 3 ? PteKind.Page : PteKind.Block)
                   && field("AttrIndx") == ai
                   && field("AP[2]") == (ro ? 1UL : 0)
                   && field("XN") == (xn ? 1UL : 0)
                   && field("SH") == (ai is Lpae.MtNormalNc or Lpae.MtDeviceNGnRnE or Lpae.MtDeviceNGnRE ? Lpae.ShOuter : Lpae.ShInner)
                   && (!aligned || d.OutputAddress!.Value.Value == mfn << 12)
                   && Lpae.GetMfn(raw).Value == mfn;
        });
    }
}
