using static Pmap.Qemu.Tests.Expected;

namespace Pmap.Qemu.Tests;

/// <summary>x86-64 4-level paging answered by the QEMU monitor's <c>gva2gpa</c> in long mode.</summary>
public class X86ProbeTests
{
    private const ulong Table = 0x3;                 // present, writable
    private const ulong Page = 0x63;                 // present, writable, accessed, dirty
    private const ulong Large = Page | 0x80;         // PS: 2 MiB or 1 GiB page
    private const ulong NoExecute = 1UL << 63;

    private static TableBuilder Tables() => new TableBuilder(0x20_0000, 39, pa => pa | Table)
        .Map(0x44_2000, 12, 0x1234_5000 | Page | NoExecute)   // 4 KiB page
        .Map(0x44_4000, 12, 0x1234_6000 | (Page & ~1UL))     // not present
        .Map(0x80_0020_0000, 21, 0x8060_0000 | Large)         // 2 MiB page
        .Map(0xC000_0000, 30, 0x1_4000_0000 | Large)          // 1 GiB page
        .Map(0xFFFF_8000_0040_0000, 12, 0x5000 | Page)        // upper half
        .Map(0x44_5000, 12, 0x7000 | 0x5);                    // user, read-only, A/D clear: the debug walk allows it

    [QemuFact(QemuRegime.X86FourLevelPaging)]
    public void Translates_4k_2m_1g_pages_and_reports_unmapped()
    {
        Expected.Check(Targets.X86, Tables(),
            Maps(0x44_2abc, 0x1234_5abc),
            Maps(0x80_0020_1234, 0x8060_1234),
            Maps(0x80_003f_fff8, 0x807f_fff8),
            Maps(0xC123_4567, 0x1_4123_4567),
            Maps(0xFFFF_8000_0040_0010, 0x5010),
            Maps(0x44_5008, 0x7008),
            Unmapped(0x0000_7000_0000_0000), // PML4 entry empty
            Unmapped(0x0000_0001_0000_0000), // PDPT entry empty
            Unmapped(0x60_0000),             // PD entry empty
            Unmapped(0x44_3000),             // PT entry empty
            Unmapped(0x44_4010));            // PT entry not present
    }

    [Fact] // checked before QEMU starts
    public void Refuses_pages_in_the_legacy_hole()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            MmuProbe.Translate(Targets.X86, [new TablePage(0xB_8000, new ulong[512])], 0xB_8000, [0]));
        Assert.Contains("0xa0000", e.Message);
    }
}
