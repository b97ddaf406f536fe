using static Pmap.Qemu.Tests.Expected;

namespace Pmap.Qemu.Tests;

/// <summary>AArch64 EL2 stage-1 translation (4 KiB granule, 4 levels) answered by QEMU's <c>AT S1E2R</c>.</summary>
public class Arm64ProbeTests
{
    private const ulong Table = 0x3;               // valid table descriptor
    private const ulong Page = 0x0040_0000_0000_0F7F; // XN, nG, AF, SH inner, AP RW, NS, AttrIndx 7, page
    private const ulong Block = Page & ~0x2UL;     // same attributes, block descriptor

    private static TableBuilder Tables() => new TableBuilder(0x4100_0000, 39, pa => pa | Table)
        .Map(0x44_2000, 12, 0x0040_0000_1234_5F7F)           // 4 KiB page
        .Map(0x44_4000, 12, 0x1234_6000 | (Page & ~0x400UL)) // access flag clear
        .Map(0x80_0020_0000, 21, 0x8060_0000 | Block)        // 2 MiB block
        .Map(0xC000_0000, 30, 0x1_4000_0000 | Block);        // 1 GiB block

    [QemuFact(QemuRegime.Aarch64El2Stage1)]
    public void Translates_pages_and_blocks_and_reports_fault_levels()
    {
        Expected.Check(Targets.Aarch64El2, Tables(),
            Maps(0x44_2abc, 0x1234_5abc),
            Maps(0x80_0020_1234, 0x8060_1234),
            Maps(0x80_003f_fff8, 0x807f_fff8),
            Maps(0xC123_4567, 0x1_4123_4567),
            Faults(0x0000_7000_0000_0000, "translation", 0), // level-0 entry empty
            Faults(0x0000_0001_0000_0000, "translation", 1), // level-1 entry empty
            Faults(0x0000_0000_0060_0000, "translation", 2), // level-2 entry empty
            Faults(0x44_3000, "translation", 3),             // level-3 entry empty
            Faults(0x44_4010, "access-flag", 3),             // AF = 0
            Faults(0xFFFF_0000_0000_0000, "translation", 0)); // above the 48-bit TTBR0 range
    }
}
