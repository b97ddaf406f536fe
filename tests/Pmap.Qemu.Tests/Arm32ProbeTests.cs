using static Pmap.Qemu.Tests.Expected;

namespace Pmap.Qemu.Tests;

/// <summary>AArch32 Hyp-mode LPAE translation (3 levels, 32-bit VAs) answered by QEMU's <c>ATS1HR</c>.</summary>
public class Arm32ProbeTests
{
    private const ulong Table = 0x3;
    private const ulong Page = 0x0040_0000_0000_0F7F; // XN, nG, AF, SH inner, AP, NS, AttrIndx 7, page
    private const ulong Block = Page & ~0x2UL;

    // HTCR.T0SZ = 0: the first level has 4 entries indexed by VA[31:30].
    private static TableBuilder Tables() => new TableBuilder(0x4100_0000, 30, pa => pa | Table)
        .Map(0x0044_2000, 12, 0x0040_0000_1234_5F7F)           // 4 KiB page
        .Map(0x0044_4000, 12, 0x1234_6000 | (Page & ~0x400UL)) // access flag clear
        .Map(0x8020_0000, 21, 0x8060_0000 | Block)             // 2 MiB block
        .Map(0xC000_0000, 30, 0x1_4000_0000 | Block);          // 1 GiB block above 4 GiB (40-bit PA)

    [QemuFact(QemuRegime.Aarch32Hyp)]
    public void Translates_pages_and_blocks_and_reports_fault_levels()
    {
        Expected.Check(Targets.Aarch32Hyp, Tables(),
            Maps(0x0044_2abc, 0x1234_5abc),
            Maps(0x8020_1234, 0x8060_1234),
            Maps(0x803f_fff8, 0x807f_fff8),
            Maps(0xC123_4567, 0x1_4123_4567),
            Faults(0x4000_0000, "translation", 1), // level-1 entry empty
            Faults(0x0060_0000, "translation", 2), // level-2 entry empty
            Faults(0x0044_3000, "translation", 3), // level-3 entry empty
            Faults(0x0044_4010, "access-flag", 3)); // AF = 0
    }

    [Fact] // checked before QEMU starts
    public void Rejects_vas_wider_than_32_bits() =>
        Assert.Throws<ArgumentException>(() => MmuProbe.Translate(Targets.Aarch32Hyp, [], 0x4100_0000, [0x1_0000_0000]));
}
