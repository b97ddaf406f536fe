using System.Diagnostics;
using System.Globalization;

namespace Pmap.Host.Tests;

/// <summary>
/// Issue 27, cases 5 and 14, with a stand-in for qemu-system-aarch64 on PATH: QEMU missing, dying or hanging is an environment
/// error (exit 3), and QEMU and its temporary folder never outlive pmap, however pmap ends.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class QemuLifetimeTests
{
    private static readonly string Pmap = Path.Combine(Cli.HostOutput, "pmap.dll");

    /// <summary>A folder whose qemu-system-aarch64 is <paramref name="script"/>; PATH is that folder and the system's.</summary>
    private static Dictionary<string, string> FakeQemu(string script)
    {
        var dir = Directory.CreateTempSubdirectory("pmap-fake-qemu-").FullName;
        var qemu = Path.Combine(dir, "qemu-system-aarch64");
        File.WriteAllText(qemu, "#!/bin/sh\n" + script + "\n");
        File.SetUnixFileMode(qemu, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return new Dictionary<string, string> { ["PATH"] = dir + ":/usr/bin:/bin" };
    }

    private static string Environment(CliResult r)
    {
        Assert.True(r.Code == 3, $"exit {r.Code}: {r.Err}");
        Assert.Equal("environment", r.Json.GetProperty("error").GetProperty("kind").GetString());
        return Assert.Single(r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Qemu_missing_is_an_environment_error_naming_the_package()
    {
        var empty = Directory.CreateTempSubdirectory("pmap-no-qemu-").FullName;
        var line = Environment(Cli.Process(new Dictionary<string, string> { ["PATH"] = empty }, "verify", "--arch", "arm64", "--json"));
        Assert.Contains("qemu-system-aarch64 not installed (Debian package qemu-system-arm)", line);
    }

    [Theory]
    [InlineData("kill -9 $$", ": it was killed by signal 9")]
    [InlineData("echo 'qemu: cannot set up guest memory' >&2; exit 1", ": it exited with code 1 (it said: qemu: cannot set up guest memory)")]
    [InlineData("kill -STOP $$", "")] // stopped: it never opens its sockets, and pmap gives up after its start timeout
    public void Qemu_killed_or_failing_is_an_environment_error(string script, string reason)
    {
        var line = Environment(Cli.Process(FakeQemu(script), "verify", "--arch", "arm64", "--json"));
        Assert.StartsWith("pmap: QEMU: qemu-system-aarch64 did not come up" + reason, line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("TERM", 143, "pmap: terminated")]
    [InlineData("INT", 130, "pmap: interrupted")]
    [InlineData("HUP", 129, "pmap: hung up")]
    [InlineData("KILL", 137, "")]
    public async Task Qemu_and_its_folder_end_with_pmap(string signal, int code, string line)
    {
        // QEMU that never opens its sockets: pmap waits for it, and is signalled meanwhile.
        var marker = $"{Random.Shared.Next(100_000, 999_999)}.5";
        var env = FakeQemu($"exec sleep {marker}");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { Pmap, "verify", "--arch", "arm64", "--plugins", Cli.PluginsFolder }) psi.ArgumentList.Add(a);
        foreach (var (k, v) in env) psi.Environment[k] = v;
        using var pmap = Process.Start(psi)!;
        var err = pmap.StandardError.ReadToEndAsync();
        Assert.True(SpinUntil(() => Sleeper(marker) is not null), "the stand-in QEMU never started");
        var folders = Directory.GetDirectories(Path.GetTempPath(), $"pmapq-{pmap.Id}-*");
        Assert.Single(folders);
        using (var kill = Process.Start("kill", ["-" + signal, pmap.Id.ToString(CultureInfo.InvariantCulture)])) kill.WaitForExit();
        Assert.True(pmap.WaitForExit(20_000));
        Assert.Equal(code, pmap.ExitCode);
        Assert.Equal(line, (await err).Trim());
        Assert.True(SpinUntil(() => Sleeper(marker) is null), "QEMU outlived pmap");
        if (signal != "KILL")
        {
            Assert.False(Directory.Exists(folders[0]));
            return;
        }
        // Killed outright, pmap could not clean up: the next run that starts QEMU removes the folder.
        Assert.True(Directory.Exists(folders[0]));
        Cli.Process(FakeQemu("exit 1"), "verify", "--arch", "arm64");
        Assert.False(Directory.Exists(folders[0]));
    }

    /// <summary>The PID of the stand-in's `sleep MARKER`, or null.</summary>
    private static int? Sleeper(string marker)
    {
        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "cmdline")).Contains(marker, StringComparison.Ordinal)) return pid;
            }
            catch (IOException)
            {
                // Gone meanwhile.
            }
        }
        return null;
    }

    private static bool SpinUntil(Func<bool> condition) => SpinWait.SpinUntil(() =>
    {
        if (condition()) return true;
        Thread.Sleep(100);
        return false;
    }, TimeSpan.FromSeconds(15));
}
