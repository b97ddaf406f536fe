namespace Pmap.Qemu.Tests;

/// <summary>An exception inside a probe stub stops at a breakpoint on its vector instead of running away.</summary>
public class StubFaultTests
{
    [QemuFact(QemuRegime.Aarch64El2Stage1)]
    public void Arm64_undefined_instruction_stops_at_the_current_el_sync_vector()
    {
        using var qemu = QemuInstance.Start(Targets.Aarch64El2);
        ulong code = qemu.Target.Scratch.Base;
        // msr vbar_el3, x10 (as the probe stub starts), then udf #0.
        qemu.Gdb.WriteMemory(code, new ArmStub([0xD51EC00A, 0x00000000], 0, 0).Bytes());
        MmuProbe.InstallFaultStops(qemu.Gdb, arm64: true, code);
        qemu.WriteRegister("x10", code + ArmStub.Arm64VectorsOffset);
        qemu.WriteRegister("pc", code);

        qemu.Gdb.Continue(TimeSpan.FromSeconds(5));

        Assert.Equal(code + ArmStub.Arm64VectorsOffset + 0x200, qemu.ReadRegister("pc"));
        Assert.Equal(code + 4, qemu.ReadRegister("ELR_EL3"));
        Assert.Equal(0UL, qemu.ReadRegister("ESR_EL3") >> 26); // EC 0: unknown reason
    }

    [QemuFact(QemuRegime.Aarch32Hyp)]
    public void Arm32_undefined_instruction_stops_at_the_undefined_vector()
    {
        using var qemu = QemuInstance.Start(Targets.Aarch32Hyp);
        ulong code = qemu.Target.Scratch.Base;
        qemu.Gdb.WriteMemory(code, new ArmStub([0xE7F000F0], 0, 0).Bytes()); // udf #0
        MmuProbe.InstallFaultStops(qemu.Gdb, arm64: false, code);
        qemu.WriteRegister("cpsr", 0x1D6);
        qemu.WriteRegister("pc", code);

        qemu.Gdb.Continue(TimeSpan.FromSeconds(5));

        Assert.Equal(0x4UL, qemu.ReadRegister("pc"));
        Assert.Equal(0x1BUL, qemu.ReadRegister("cpsr") & 0x1F); // Undefined mode
    }
}
