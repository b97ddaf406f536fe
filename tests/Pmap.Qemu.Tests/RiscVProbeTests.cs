using static Pmap.Qemu.Tests.Expected;

namespace Pmap.Qemu.Tests;

/// <summary>RISC-V Sv39 answered by the QEMU monitor's <c>gva2gpa</c> in S-mode.</summary>
public class RiscVProbeTests
{
    private const ulong Valid = 0x1;
    private const ulong Leaf = 0xC7; // V, R, W, A, D

    private static ulong Pte(ulong pa, ulong flags) => ((pa >> 12) << 10) | flags;

    private static TableBuilder Tables() => new TableBuilder(0x8100_0000, 30, pa => Pte(pa, Valid))
        .Map(0x44_2000, 12, Pte(0x1234_5000, Leaf))              // 4 KiB page
        .Map(0x44_4000, 12, Pte(0x1234_6000, Leaf & ~Valid))     // not valid
        .Map(0x44_5000, 12, Pte(0x1234_7000, Valid | 0x4))       // W without R: reserved
        .Map(0x44_6000, 12, Pte(0x1234_8000, Leaf | 0x10))       // U: a debug walk allows it from S-mode too
        .Map(0x44_7000, 12, Pte(0x1234_9000, Valid | 0x2))       // R only, A and D clear: a debug walk allows it
        .Map(0x20_0020_0000, 21, Pte(0x8060_0000, Leaf))         // 2 MiB megapage
        .Map(0x20_0040_0000, 21, Pte(0x8061_0000, Leaf))         // misaligned megapage
        .Map(0xC000_0000, 30, Pte(0x1_4000_0000, Leaf))          // 1 GiB gigapage
        .Map(0xFFFF_FFC0_0040_0000, 12, Pte(0x8020_5000, Leaf)); // upper half

    [QemuFact(QemuRegime.RiscVSatp)]
    public void Translates_4k_2m_1g_pages_and_reports_unmapped()
    {
        Expected.Check(Targets.RiscVSv39, Tables(),
            Maps(0x44_2abc, 0x1234_5abc),
            Maps(0x20_0020_1234, 0x8060_1234),
            Maps(0x20_003f_fff8, 0x807f_fff8),
            Maps(0xC123_4567, 0x1_4123_4567),
            Maps(0xFFFF_FFC0_0040_0010, 0x8020_5010),
            Maps(0x44_7008, 0x1234_9008),
            Maps(0x44_6000, 0x1234_8000),
            Unmapped(0x10_0000_0000),         // level-2 (root) entry empty
            Unmapped(0x60_0000),              // level-1 entry empty
            Unmapped(0x44_3000),              // level-0 entry empty
            Unmapped(0x44_4010),              // leaf not valid
            Unmapped(0x44_5000),              // leaf W without R
            Unmapped(0x20_0040_0000),         // misaligned megapage
            Unmapped(0x0000_0080_0000_0000)); // not sign-extended from bit 38
    }

    /// <summary>The probe is not limited to the modes a port states: satp.MODE 9 is Sv48 (the privileged spec's encoding).</summary>
    private static readonly QemuTarget Sv48 = Targets.RiscVSv39 with { Registers = new Dictionary<string, ulong> { ["satp.MODE"] = 9 } };

    [QemuFact(QemuRegime.RiscVSatp)]
    public void Sv48_walks_four_levels()
    {
        var tables = new TableBuilder(0x8100_0000, 39, pa => Pte(pa, Valid))
            .Map(0x4000_0044_2000, 12, Pte(0x1234_5000, Leaf))      // needs the fourth level
            .Map(0x0080_0000_0000, 39, Pte(0x80_0000_0000, Leaf));  // 512 GiB terapage

        var results = MmuProbe.Translate(Sv48, tables.Pages, tables.RootPa,
            [0x4000_0044_2abc, 0x0080_1234_5678, 0x4000_0044_3000]);

        Assert.Equal(0x1234_5abcUL, results[0].Pa);
        Assert.Equal(0x80_1234_5678UL, results[1].Pa);
        Assert.Null(results[2].Pa);
    }
}
