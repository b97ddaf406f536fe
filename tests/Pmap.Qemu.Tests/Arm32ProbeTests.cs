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

    [QemuFact(QemuArch.Arm32)]
    public void Translates_pages_and_blocks_and_reports_fault_levels()
    {
        var tables = Tables();
        ulong[] vas =
        [
            0x0044_2abc, 0x8020_1234, 0x803f_fff8, 0xC123_4567,
            0x4000_0000, // level-1 entry empty
            0x0060_0000, // level-2 entry empty
            0x0044_3000, // level-3 entry empty
            0x0044_4010, // AF = 0
        ];

        var results = MmuProbe.Translate(QemuTarget.Arm32, tables.Pages, tables.RootPa, vas);

        Assert.Equal(vas, results.Select(r => r.Va));
        Assert.Equal(0x1234_5abcUL, results[0].Pa);
        Assert.Equal(0x8060_1234UL, results[1].Pa);
        Assert.Equal(0x807f_fff8UL, results[2].Pa);
        Assert.Equal(0x1_4123_4567UL, results[3].Pa);
        Assert.Equal(("translation", 1), Fault(results[4]));
        Assert.Equal(("translation", 2), Fault(results[5]));
        Assert.Equal(("translation", 3), Fault(results[6]));
        Assert.Equal(("access-flag", 3), Fault(results[7]));
    }

    [Fact] // checked before QEMU starts
    public void Rejects_vas_wider_than_32_bits() =>
        Assert.Throws<ArgumentException>(() => MmuProbe.Translate(QemuTarget.Arm32, [], 0x4100_0000, [0x1_0000_0000]));

    private static (string?, int?) Fault(ProbeResult r)
    {
        Assert.Null(r.Pa);
        return (r.FaultKind, r.FaultLevel);
    }
}
