namespace Pmap.Qemu.Tests;

/// <summary>Targets, RAM windows, the locator and PAR decoding: no QEMU needed.</summary>
public class ProbeModelTests
{
    [Fact]
    public void A_missing_binary_is_named_with_its_debian_package()
    {
        var absent = Targets.RiscVSv39 with { Binary = "qemu-system-does-not-exist" };
        Assert.Null(QemuLocator.Find(absent));
        Assert.Equal("qemu-system-does-not-exist not installed (Debian package qemu-system-misc)", QemuLocator.MissingReason(absent));
        var e = Assert.Throws<QemuNotInstalledException>(() => QemuLocator.Require(absent));
        Assert.Contains("qemu-system-misc", e.Message);
    }

    [Theory]
    [InlineData(QemuRegime.Aarch64El2Stage1, "qemu-system-aarch64", "qemu-system-arm")]
    [InlineData(QemuRegime.Aarch32Hyp, "qemu-system-arm", "qemu-system-arm")]
    [InlineData(QemuRegime.X86FourLevelPaging, "qemu-system-x86_64", "qemu-system-x86")]
    [InlineData(QemuRegime.RiscVSatp, "qemu-system-riscv64", "qemu-system-misc")]
    public void Each_ports_oracle_names_its_binary_and_package(QemuRegime regime, string binary, string package)
    {
        var target = Targets.For(regime);
        Assert.Equal((regime, binary, package), (target.Regime, target.Binary, target.DebianPackage));
    }

    [Fact]
    public void Table_windows_leave_out_holes_and_the_probe_scratch()
    {
        Assert.Equal([new PhysWindow(0, 0xA_0000), new PhysWindow(0x10_0000, 0x3FF0_0000 - 0x10_0000)],
            Targets.X86.TableWindows);
        Assert.True(Targets.X86.IsGuestRam(0x9_F000, 0x1000));
        Assert.False(Targets.X86.IsGuestRam(0x9_F800, 0x1000));
        Assert.False(Targets.X86.IsGuestRam(0xB_8000));

        Assert.Equal([new PhysWindow(0x4000_0000, 0x3FF0_0000)], Targets.Aarch64El2.TableWindows);
        Assert.True(Targets.Aarch32Hyp.IsGuestRam(0x4000_0000, 0x1000));
        Assert.False(Targets.Aarch32Hyp.IsGuestRam(0x3FFF_F000, 0x1000));
        Assert.False(Targets.Aarch64El2.IsGuestRam(Targets.Aarch64El2.Scratch.Base));
        Assert.True(Targets.RiscVSv39.IsGuestRam(0x8000_0000));
        Assert.False(Targets.RiscVSv39.IsGuestRam(0x7FFF_F000));
    }

    [Fact]
    public void Qemu_listens_on_unix_sockets_only()
    {
        var args = QemuInstance.Arguments(Targets.Aarch64El2, new QemuInstanceOptions { ExtraArgs = ["-kernel", "xen"] }, "/d");
        Assert.Contains("socket,id=gdb0,path=/d/gdb.sock,server=on,wait=off", args);
        Assert.Contains("unix:/d/qmp.sock,server=on,wait=off", args);
        Assert.DoesNotContain(args, a => a.Contains("tcp") || a == "-s");
        Assert.Equal(["-kernel", "xen"], args.TakeLast(2));
        Assert.Contains("1024M", args);
    }

    [Theory]
    [InlineData(0x0000_0000_1234_5000UL, 0x442abcUL, 0x1234_5abcUL, null, null)]
    [InlineData(0xFF00_0000_1234_5B80UL, 0x442abcUL, 0x1234_5abcUL, null, null)] // attributes ignored
    [InlineData(0x809UL, 0UL, null, "translation", 0)]                           // FST 0b000100
    [InlineData(0x80FUL, 0UL, null, "translation", 3)]                           // FST 0b000111
    [InlineData(0x817UL, 0UL, null, "access-flag", 3)]                           // FST 0b001011
    [InlineData(0x81DUL, 0UL, null, "permission", 2)]                            // FST 0b001110
    [InlineData(0x803UL, 0UL, null, "address-size", 1)]                          // FST 0b000001
    [InlineData(0x843UL, 0UL, null, "alignment", null)]                          // FST 0b100001
    public void Par_decodes_to_an_address_or_a_fault(ulong par, ulong va, ulong? pa, string? kind, int? level)
    {
        var result = ArmPar.Decode(va, par);
        Assert.Equal((pa, kind, level, par), (result.Pa, result.FaultKind, result.FaultLevel, result.Par));
    }
}
