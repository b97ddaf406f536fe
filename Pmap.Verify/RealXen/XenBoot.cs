using System.Diagnostics;
using Pmap.Qemu;

namespace Pmap.Verify.RealXen;

/// <summary>What a real Xen left behind: its EL2 translation registers, a way to read its RAM, and its console.</summary>
/// <remarks><paramref name="PmapStops"/>: the pmap_map/pmap_unmap calls on the way, when they were traced, else null.</remarks>
public sealed record XenBootState(ulong Ttbr0El2, ulong TcrEl2, string Console, TimeSpan Elapsed, IReadOnlyList<RealPmapStop>? PmapStops = null);

/// <summary>
/// Boots a real Xen arm64 image at EL2 under QEMU (virt, GICv3, cortex-a57, 2 GiB at 0x40000000, no dom0) until it
/// panics and, with <c>noreboot</c>, powers off; QEMU then stays paused with RAM and registers intact.
/// </summary>
public static class XenBoot
{
    /// <summary>The RAM Xen is given: the model boots the same bank to compare with.</summary>
    public const ulong RamBase = 0x4000_0000, RamSize = 2UL << 30;

    public const string BootArgs = "console=dtuart dtuart=/pl011@9000000 noreboot loglvl=all sync_console";

    private static readonly string[] Machine = ["-M", "virt,virtualization=on,gic-version=3", "-cpu", "cortex-a57"];

    /// <summary>
    /// Boots <paramref name="image"/> and hands the paused machine to <paramref name="inspect"/>; with
    /// <paramref name="pmap"/>, stopping at every pmap_map and pmap_unmap on the way.
    /// </summary>
    public static T Run<T>(string image, Func<QemuInstance, XenBootState, T> inspect, TimeSpan? timeout = null, PmapEntryPoints? pmap = null)
    {
        if (!File.Exists(image)) throw new FileNotFoundException($"no Xen image at {image}", image);
        var binary = QemuLocator.Require(QemuTarget.Arm64);
        var clock = Stopwatch.StartNew();
        var dir = ChildLifetime.CreateFolder("pmapx");
        try
        {
            var dtb = Path.Combine(dir, "xen.dtb");
            File.WriteAllBytes(dtb, Fdt.AddChosenString(DumpDtb(binary, dir), "xen,xen-bootargs", BootArgs));
            using var qemu = QemuInstance.Start(QemuTarget.Arm64, new QemuInstanceOptions
            {
                MachineArgs = Machine,
                MemoryBytes = RamSize,
                CaptureSerial = true,
                ExtraArgs = ["-kernel", image, "-dtb", dtb, "-action", "reboot=shutdown,shutdown=pause"],
            });
            var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(90));
            var stops = pmap is null ? null : XenPmapTrace.Run(qemu, pmap, deadline);
            WaitForPowerOff(qemu, deadline);
            var state = new XenBootState(qemu.ReadRegister("TTBR0_EL2"), qemu.ReadRegister("TCR_EL2"), qemu.SerialOutput, clock.Elapsed, stops);
            return inspect(qemu, state);
        }
        finally
        {
            ChildLifetime.RemoveFolder(dir);
        }
    }

    /// <summary>QEMU's own device tree for the same machine (<c>dumpdtb</c>), with the same RAM.</summary>
    private static byte[] DumpDtb(string binary, string dir)
    {
        var file = Path.Combine(dir, "virt.dtb");
        var start = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in (string[])["-M", $"{Machine[1]},dumpdtb={file}", Machine[2], Machine[3], "-m", $"{RamSize >> 20}M", "-nodefaults",
            "-display", "none"]) start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        var err = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(30_000)) p.Kill();
        if (!File.Exists(file)) throw new InvalidOperationException($"QEMU did not dump its device tree: {err.Result}");
        return File.ReadAllBytes(file);
    }

    /// <summary>Lets Xen run until it powers off (QEMU pauses on shutdown) or the time is up.</summary>
    /// <remarks>After a traced run the machine is already stopped by the power-off: "info status" then says so at once.</remarks>
    private static void WaitForPowerOff(QemuInstance qemu, DateTime deadline)
    {
        var status = qemu.Qmp.HumanMonitorCommand("info status");
        if (!status.Contains("shutdown", StringComparison.Ordinal)) qemu.Qmp.Execute("cont");
        while (DateTime.UtcNow < deadline)
        {
            status = qemu.Qmp.HumanMonitorCommand("info status");
            if (status.Contains("shutdown", StringComparison.Ordinal) || status.Contains("paused", StringComparison.Ordinal)) return;
            Thread.Sleep(250);
        }
        throw new TimeoutException($"Xen did not power off in time; console:\n{qemu.SerialOutput}");
    }
}
