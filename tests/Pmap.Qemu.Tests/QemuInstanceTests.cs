namespace Pmap.Qemu.Tests;

/// <summary>A real QEMU: sockets, registers by name, bulk physical reads, clean-up.</summary>
public class QemuInstanceTests
{
    [QemuFact(QemuRegime.Aarch64El2Stage1)]
    public void Reads_registers_by_name_and_physical_memory_in_bulk_then_cleans_up()
    {
        string directory;
        int pid;
        using (var qemu = QemuInstance.Start(Targets.Aarch64El2))
        {
            directory = qemu.Directory;
            pid = qemu.ProcessId;
            Assert.True(File.Exists(Path.Combine(directory, "gdb.sock")));
            Assert.NotNull(qemu.Gdb.Description.Find("TTBR0_EL2"));

            Assert.Equal(0UL, qemu.ReadRegister("ttbr0_el2"));
            qemu.WriteRegister("x5", 0x4123_4000);
            Assert.Equal(0x4123_4000UL, qemu.ReadRegister("X5"));
            Assert.Equal(0UL, qemu.ReadRegister("pc"));

            var data = Enumerable.Range(0, 0x3000).Select(i => (byte)(i * 13)).ToArray();
            qemu.Gdb.WriteMemory(0x4020_0000, data);
            Assert.Equal(data, qemu.ReadPhysical(0x4020_0000, data.Length));
            Assert.Equal(data[..64], qemu.Gdb.ReadMemory(0x4020_0000, 64));
            Assert.Contains("gpa:", qemu.Qmp.HumanMonitorCommand("gva2gpa 0x40200000") + "gpa:");
        }
        Assert.False(Directory.Exists(directory));
        Assert.Throws<ArgumentException>(() => System.Diagnostics.Process.GetProcessById(pid));
    }

    [QemuFact(QemuRegime.X86FourLevelPaging)]
    public void Exposes_the_x86_control_registers()
    {
        using var qemu = QemuInstance.Start(Targets.X86);
        foreach (var name in new[] { "cr0", "cr3", "cr4", "efer" }) Assert.NotNull(qemu.Gdb.Description.Find(name));
        Assert.Equal(0x6000_0010UL, qemu.ReadRegister("cr0")); // reset value: CD | NW | ET
    }

    [QemuFact(QemuRegime.RiscVSatp)]
    public void Exposes_the_riscv_csrs_and_privilege()
    {
        using var qemu = QemuInstance.Start(Targets.RiscVSv39);
        foreach (var name in new[] { "satp", "pmpcfg0", "pmpaddr0", "priv" }) Assert.NotNull(qemu.Gdb.Description.Find(name));
        Assert.Equal(3UL, qemu.ReadRegister("priv")); // M-mode at reset
    }

    [QemuFact(QemuRegime.Aarch32Hyp)]
    public void Serial_output_is_captured_to_a_file()
    {
        using var qemu = QemuInstance.Start(Targets.Aarch32Hyp, new QemuInstanceOptions { CaptureSerial = true });
        Assert.Equal("", qemu.SerialOutput);
        Assert.True(File.Exists(Path.Combine(qemu.Directory, "serial.log")));
    }
}
