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

    [QemuFact(QemuArch.Arm64)]
    public void Translates_pages_and_blocks_and_reports_fault_levels()
    {
        var tables = Tables();
        ulong[] vas =
        [
            0x44_2abc, 0x80_0020_1234, 0x80_003f_fff8, 0xC123_4567,
            0x0000_7000_0000_0000, // level-0 entry empty
            0x0000_0001_0000_0000, // level-1 entry empty
            0x0000_0000_0060_0000, // level-2 entry empty
            0x44_3000,             // level-3 entry empty
            0x44_4010,             // AF = 0
            0xFFFF_0000_0000_0000, // above the 48-bit TTBR0 range
        ];

        var results = MmuProbe.Translate(QemuTarget.Arm64, tables.Pages, tables.RootPa, vas);

        Assert.Equal(vas, results.Select(r => r.Va));
        Assert.Equal(0x1234_5abcUL, results[0].Pa);
        Assert.Equal(0x8060_1234UL, results[1].Pa);
        Assert.Equal(0x807f_fff8UL, results[2].Pa);
        Assert.Equal(0x1_4123_4567UL, results[3].Pa);
        Assert.Equal(("translation", 0), Fault(results[4]));
        Assert.Equal(("translation", 1), Fault(results[5]));
        Assert.Equal(("translation", 2), Fault(results[6]));
        Assert.Equal(("translation", 3), Fault(results[7]));
        Assert.Equal(("access-flag", 3), Fault(results[8]));
        Assert.Equal(("translation", 0), Fault(results[9]));
    }

    private static (string?, int?) Fault(ProbeResult r)
    {
        Assert.Null(r.Pa);
        return (r.FaultKind, r.FaultLevel);
    }
}
