namespace Pmap.Qemu.Tests;

/// <summary>Arm probe behaviour beyond the basic walk: many VAs, write permission checks.</summary>
public class ArmRegimeTests
{
    private const ulong Page = 0x0040_0000_0000_0F7F;  // AP[2:1] = 01: read/write at EL2
    private const ulong ReadOnly = 0x80;               // AP[2] set: read-only

    [QemuFact(QemuRegime.Aarch64El2Stage1)]
    public void Tens_of_thousands_of_vas_are_translated_in_one_instance_over_several_batches()
    {
        var tables = new TableBuilder(0x4100_0000, 39, pa => pa | 3);
        for (ulong i = 0; i < 512; i++) tables.Map(0x1_0000_0000 + i * 0x1000, 12, (0x9000_0000 + i * 0x3000) | Page);
        // 700 distinct pages (512 mapped), 40000 VAs: more than one stub run.
        var vas = Enumerable.Range(0, 40_000).Select(i => 0x1_0000_0000 + (ulong)(i % 700) * 0x1000 + 8).ToArray();

        var results = MmuProbe.Translate(Targets.Aarch64El2, tables.Pages, tables.RootPa, vas);

        Assert.Equal(vas, results.Select(r => r.Va));
        for (int i = 0; i < vas.Length; i++)
        {
            int page = i % 700;
            if (page < 512) Assert.Equal(0x9000_0000 + (ulong)page * 0x3000 + 8, results[i].Pa);
            else Assert.Equal(("translation", (int?)2), (results[i].FaultKind, results[i].FaultLevel));
        }
    }

    [QemuFact(QemuRegime.Aarch64El2Stage1)]
    public void Arm64_writes_to_read_only_pages_are_permission_faults()
    {
        var tables = new TableBuilder(0x4100_0000, 39, pa => pa | 3)
            .Map(0x1000, 12, 0x5000 | Page)
            .Map(0x2000, 12, 0x6000 | Page | ReadOnly);
        var write = new RegimeOptions { WriteAccess = true };

        var reads = MmuProbe.Translate(Targets.Aarch64El2, tables.Pages, tables.RootPa, [0x1008, 0x2008]);
        var writes = MmuProbe.Translate(Targets.Aarch64El2, tables.Pages, tables.RootPa, [0x1008, 0x2008], write);

        Assert.Equal([0x5008UL, 0x6008UL], reads.Select(r => r.Pa));
        Assert.Equal(0x5008UL, writes[0].Pa);
        Assert.Equal(("permission", (int?)3), (writes[1].FaultKind, writes[1].FaultLevel));
    }

    [QemuFact(QemuRegime.Aarch32Hyp)]
    public void Arm32_writes_to_read_only_pages_are_permission_faults()
    {
        var tables = new TableBuilder(0x4100_0000, 30, pa => pa | 3)
            .Map(0x1000, 12, 0x5000 | Page)
            .Map(0x2000, 12, 0x6000 | Page | ReadOnly);

        var writes = MmuProbe.Translate(Targets.Aarch32Hyp, tables.Pages, tables.RootPa, [0x1008, 0x2008],
            new RegimeOptions { WriteAccess = true });

        Assert.Equal(0x5008UL, writes[0].Pa);
        Assert.Equal(("permission", (int?)3), (writes[1].FaultKind, writes[1].FaultLevel));
    }

    [QemuFact(QemuRegime.Aarch64El2Stage1)]
    public void The_tcr_given_is_the_one_used()
    {
        var tables = new TableBuilder(0x4100_0000, 39, pa => pa | 3)
            .Map(0x1000, 12, 0x5000 | Page)
            .Map(0xC000_0000, 30, 0x1_4000_0000 | (Page & ~2UL));
        var narrow = new RegimeOptions { Tcr = Targets.Aarch64El2.Register("TCR_EL2") & ~0x7_0000UL }; // PS = 32 bits

        var results = MmuProbe.Translate(Targets.Aarch64El2, tables.Pages, tables.RootPa, [0x1000, 0xC000_0000], narrow);

        Assert.Equal(0x5000UL, results[0].Pa);
        Assert.Equal(("address-size", (int?)1), (results[1].FaultKind, results[1].FaultLevel));
    }
}
