using System.Diagnostics;
using System.Globalization;
using Pmap.Qemu;

namespace Pmap.Host.Tests;

/// <summary>A fact that runs the real qemu-system-aarch64: skipped, naming the Debian package, without it.</summary>
public sealed class QemuArm64FactAttribute : FactAttribute
{
    public QemuArm64FactAttribute() => Skip = QemuTheoryAttribute.MissingReason("qemu-system-aarch64", "qemu-system-arm");
}

/// <summary>A theory that runs the real qemu-system-aarch64: skipped, naming the Debian package, without it.</summary>
public sealed class QemuArm64TheoryAttribute : TheoryAttribute
{
    public QemuArm64TheoryAttribute() => Skip = QemuTheoryAttribute.MissingReason("qemu-system-aarch64", "qemu-system-arm");
}

/// <summary>
/// Issue 27, cases 5 and 14 with the real QEMU (QemuLifetimeTests has a stand-in for the states a real one cannot be put in
/// on demand): a real `pmap verify`, its QEMU child found through /proc. QEMU killed mid-run is an environment error on one
/// line; pmap ended by a signal takes QEMU with it; no temporary folder is left either way. Bounds are generous and only
/// bound waits: a run whose QEMU ended before the test could catch it is run again, never judged.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class RealQemuLifetimeTests
{
    private const int Attempts = 3;

    private sealed record Run(Process Pmap, Task<string> Out, Task<string> Err) : IDisposable
    {
        public void Dispose() => Pmap.Dispose();
    }

    private static Run StartVerify()
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Cli.HostOutput };
        foreach (var a in new[] { Path.Combine(Cli.HostOutput, "pmap.dll"), "verify", "--arch", "arm64", "--json", "--plugins", Cli.PluginsFolder })
            psi.ArgumentList.Add(a);
        psi.Environment["PMAP_HOME"] = Path.Combine(Path.GetTempPath(), "pmap-no-home-" + Guid.NewGuid().ToString("n"));
        psi.Environment["NO_COLOR"] = "1";
        var p = Process.Start(psi)!;
        return new Run(p, p.StandardOutput.ReadToEndAsync(), p.StandardError.ReadToEndAsync());
    }

    /// <summary>pmap's QEMU child once <paramref name="ready"/> holds for it, or null when pmap ended first.</summary>
    private static int? CatchQemu(Process pmap, Func<int, bool> ready)
    {
        var bound = Stopwatch.StartNew();
        while (bound.Elapsed < TimeSpan.FromSeconds(60) && !pmap.HasExited)
        {
            if (ChildNamed(pmap.Id, "qemu-system-aar") is { } qemu && ready(qemu)) return qemu;
            Thread.Sleep(2);
        }
        return null;
    }

    private static bool SocketsOpen(int pmap) =>
        Folders(pmap).Any(d => File.Exists(Path.Combine(d, "qmp.sock")) && File.Exists(Path.Combine(d, "gdb.sock")));

    private static string[] Folders(int pmap) => Directory.GetDirectories(Path.GetTempPath(), $"pmapq-{pmap}-*");

    [QemuArm64Theory]
    [InlineData(false)] // as soon as it exists: QEMU never comes up
    [InlineData(true)] // once its QMP and gdb sockets are open: pmap is talking to it
    public async Task Qemu_killed_mid_verify_is_one_environment_line_and_no_folder_is_left(bool socketsOpen)
    {
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            using var run = StartVerify();
            var qemu = CatchQemu(run.Pmap, _ => !socketsOpen || SocketsOpen(run.Pmap.Id));
            if (qemu is { } pid) Signal("KILL", pid);
            Assert.True(run.Pmap.WaitForExit(60_000), "pmap did not end after its QEMU was killed");
            // QEMU came and went unseen, or was caught as it finished its work: a complete run, not the case under test.
            if (qemu is null || run.Pmap.ExitCode == 0) continue;
            var err = await run.Err;
            Assert.True(run.Pmap.ExitCode == 3, $"exit {run.Pmap.ExitCode}: {err}");
            var line = Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith("pmap: QEMU: ", line, StringComparison.Ordinal);
            Assert.EndsWith("\n", err, StringComparison.Ordinal);
            Assert.DoesNotContain(line, char.IsControl);
            Assert.Equal("environment", new CliResult(3, await run.Out, err).Json.GetProperty("error").GetProperty("kind").GetString());
            Assert.Empty(Folders(run.Pmap.Id));
            return;
        }
        Assert.Fail($"in {Attempts} runs QEMU was never caught running");
    }

    [QemuArm64Theory]
    [InlineData("TERM", 143, "pmap: terminated")]
    [InlineData("INT", 130, "pmap: interrupted")]
    public async Task A_signal_to_pmap_mid_verify_ends_qemu_and_removes_its_folder(string signal, int code, string line)
    {
        using var run = StartVerify();
        // Caught and stopped, QEMU cannot finish the run meanwhile; a stopped QEMU must end with pmap all the same.
        var qemu = CatchQemu(run.Pmap, _ => true);
        Assert.True(qemu is not null, "QEMU was never seen running under pmap");
        Signal("STOP", qemu.Value);
        Assert.Single(Folders(run.Pmap.Id));
        Signal(signal, run.Pmap.Id);
        Assert.True(run.Pmap.WaitForExit(60_000), "pmap did not end on SIG" + signal);
        Assert.Equal(code, run.Pmap.ExitCode);
        Assert.Equal(line, (await run.Err).TrimEnd('\n'));
        Assert.True(SpinWait.SpinUntil(() => Gone(qemu.Value), TimeSpan.FromSeconds(60)), "QEMU outlived pmap");
        Assert.Empty(Folders(run.Pmap.Id));
    }

    private static void Signal(string signal, int pid)
    {
        using var kill = Process.Start("kill", ["-" + signal, pid.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>A child of <paramref name="parent"/> whose command name (/proc's 15-character comm) is <paramref name="comm"/>.</summary>
    private static int? ChildNamed(int parent, string comm)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            if (Stat(pid) is { } s && s.Parent == parent && s.Comm == comm && s.State != 'Z') return pid;
        }
        return null;
    }

    /// <summary>Ended: no longer in /proc, or a zombie no one has reaped yet.</summary>
    private static bool Gone(int pid) => Stat(pid) is not { } s || s.State == 'Z';

    /// <summary>/proc/PID/stat's comm, state and parent ("PID (COMM) STATE PPID ..."; COMM may hold spaces and parentheses).</summary>
    private static (string Comm, char State, int Parent)? Stat(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var open = stat.IndexOf('(', StringComparison.Ordinal);
            var close = stat.LastIndexOf(')');
            var rest = stat[(close + 2)..].Split(' ');
            return (stat[(open + 1)..close], rest[0][0], int.Parse(rest[1], CultureInfo.InvariantCulture));
        }
        catch (IOException)
        {
            return null; // gone meanwhile
        }
    }
}
