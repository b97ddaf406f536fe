namespace Pmap.Arch.Arm.Tests;

/// <summary>What both Arm ports share, tested without either port: lpae_t, its codec and the static-table order.</summary>
public class ArmSharedTests
{
    [Theory]
    // PAGE_HYPERVISOR_RW where an MT index is expected (arch_pmap_map): ai = 0x2f & 7 = MT_NORMAL, xn, then | table.
    // 0xf7f = valid | table | AI=7<<2 | NS | AP1 | SH=3<<8 | AF | nG; bit 54 XN.
    [InlineData(0x12345UL, Lpae.PageHypervisorRw, 0x0040000012345F7FUL)]
    // MT_NORMAL as setup_pagetables links xen_fixmap: real 4.17.7 has xen_second[2] = 0x0040000040297f7f for xen_fixmap at 0x40297000.
    [InlineData(0x40297UL, Lpae.MtNormal, 0x0040000040297F7FUL)]
    public void Mfn_to_xen_entry_matches_xen(ulong mfn, uint attr, ulong expected) =>
        Assert.Equal(expected, Lpae.MfnToXenEntry(new Mfn(mfn), attr, 48, debug: true) | Lpae.Table);

    [Fact]
    public void Attributes_read_the_el2_view_of_a_leaf()
    {
        var codec = new LpaeCodec();
        // The PMAP entry: MT_NORMAL, read-write, execute-never, not global, no contiguous hint.
        Assert.Equal(new PteAttributes("MT_NORMAL", Write: true, Execute: false, Global: false, Contiguous: false),
            codec.Attributes(0x0040000012345F7F, 3));
        // Read-only and executable (AP[2] set, XN clear), global (nG clear), with the Contiguous bit (52).
        Assert.Equal(new PteAttributes("MT_NORMAL", Write: false, Execute: true, Global: true, Contiguous: true),
            codec.Attributes(0x00100000402007FF, 3));
    }

    [Fact]
    public void Static_tables_follow_the_root_chain_then_the_fixmap_and_xenmap()
    {
        Assert.Equal([("xen_pgtable", 1), ("xen_first", 1), ("xen_second", 1), ("xen_fixmap", 1), ("xen_xenmap", 4)], ArmPorts.Arm64.StaticTables(4));
        Assert.Equal([("cpu0_pgtable", 1), ("xen_second", 1), ("xen_fixmap", 1), ("xen_xenmap", 1)], ArmPorts.Arm32.StaticTables(1));
    }

    [Fact]
    public void Both_ports_get_the_same_revisions_with_their_own_word_width()
    {
        var layout = new ArmLayout(0x400000, 0x200000, 1, "2b36ebd4a2ff");
        var layouts = Enum.GetValues<ArmLayoutEra>().ToDictionary(e => e, _ => layout);
        var p64 = ArmProfiles.For(layouts, 64);
        var p32 = ArmProfiles.For(layouts, 32);
        Assert.Equal(p64.Select(p => p.Name), p32.Select(p => p.Name));
        Assert.Equal(64, p64.Single(p => p.Name == "seed-v3").CommonCode.BitmapBits);
        Assert.Equal(32, p32.Single(p => p.Name == "seed-v3").CommonCode.BitmapBits);
    }
}
