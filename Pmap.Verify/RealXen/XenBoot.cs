using System.Diagnostics;
using Pmap.Core.Arch;
using Pmap.Qemu;

namespace Pmap.Verify.RealXen;

/// <summary>What a real Xen left behind: its tables' root register, a way to read its RAM, and its console.</summary>
/// <remarks><paramref name="PmapStops"/>: the pmap_map/pmap_unmap calls on the way, when they were traced, else null.</remarks>
public sealed record XenBootState(ulong Root, string Console, TimeSpan Elapsed, IReadOnlyList<RealPmapStop>? PmapStops = null);

/// <summary>
/// Boots a real Xen image under QEMU on the machine its port's <see cref="XenBootTarget"/> names (no dom0) until it
/// panics and, with <c>noreboot</c>, powers off; QEMU then stays paused with RAM and registers intact.
/// </summary>
public static class XenBoot
{

    /// <summary>
    /// Boots <paramref name="image"/> and hands the paused machine to <paramref name="inspect"/>; with
    /// <paramref name="pmap"/>, stopping at every pmap_map and pmap_unmap on the way; with <paramref name="trace"/>, that
    /// drives the paused machine from its first instruction up to its power-off instead.
    /// </summary>
    public static T Run<T>(QemuTarget target, XenBootTarget boot, string image, Func<QemuInstance, XenBootState, T> inspect,
        TimeSpan? timeout = null, PmapEntryPoints? pmap = null, Action<QemuInstance, DateTime>? trace = null)
    {
        if (!File.Exists(image)) throw new FileNotFoundException($"no Xen image at {image}", image);
        var binary = QemuLocator.Require(target);
        var clock = Stopwatch.StartNew();
        var dir = ChildLifetime.CreateFolder("pmapx");
        try
        {
            var dtb = Path.Combine(dir, "xen.dtb");
            File.WriteAllBytes(dtb, Fdt.AddChosenString(DumpDtb(binary, boot, dir), "xen,xen-bootargs", boot.BootArgs));
            using var qemu = QemuInstance.Start(target, new QemuInstanceOptions
            {
                MachineArgs = boot.MachineArgs,
                MemoryBytes = boot.RamSize,
                CaptureSerial = true,
                ExtraArgs = ["-kernel", image, "-dtb", dtb, "-action", "reboot=shutdown,shutdown=pause"],
            });
            var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(90));
            var stops = pmap is null ? null : XenPmapTrace.Run(qemu, boot, pmap, deadline);
            trace?.Invoke(qemu, deadline);
            WaitForPowerOff(qemu, deadline);
            var state = new XenBootState(qemu.ReadRegister(boot.RootRegister), qemu.SerialOutput, clock.Elapsed, stops);
            return inspect(qemu, state);
        }
        finally
        {
            ChildLifetime.RemoveFolder(dir);
        }
    }

    /// <summary>QEMU's own device tree for the same machine (<c>dumpdtb</c>), with the same RAM.</summary>
    private static byte[] DumpDtb(string binary, XenBootTarget boot, string dir)
    {
        var file = Path.Combine(dir, "virt.dtb");
        var start = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        // The machine's arguments with dumpdtb= added to its -M value.
        var machine = boot.MachineArgs.Select((a, i) => i > 0 && boot.MachineArgs[i - 1] == "-M" ? $"{a},dumpdtb={file}" : a);
        foreach (var a in machine.Concat(["-m", $"{boot.RamSize >> 20}M", "-nodefaults", "-display", "none"])) start.ArgumentList.Add(a);
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
