using System.Diagnostics;
using System.Globalization;

namespace Pmap.Qemu;

/// <summary>QEMU stopped, failed or went silent while pmap needed it (not a fault of the model or of a plugin).</summary>
public sealed class QemuFailedException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// QEMU children and their temporary folders never outlive pmap. A child starts under util-linux's setpriv with a parent-death
/// signal (prctl PR_SET_PDEATHSIG, SIGKILL), so it dies however pmap dies, SIGKILL included; a normal exit (SIGINT, SIGTERM,
/// SIGHUP are turned into one) kills live children and removes their folders; and a folder left by a pmap that was killed
/// outright (its name holds that pmap's PID) is removed by the next one.
/// </summary>
public static class ChildLifetime
{
    private static readonly Lock Gate = new();
    private static readonly HashSet<string> Folders = [];
    private static readonly HashSet<Process> Children = [];
    private static readonly string? Setpriv = OperatingSystem.IsLinux() && File.Exists("/usr/bin/setpriv") ? "/usr/bin/setpriv" : null;

    static ChildLifetime() => AppDomain.CurrentDomain.ProcessExit += (_, _) => EndAll();

    /// <summary>A new temporary folder "PREFIX-PID-XXXX", removed at exit if its owner has not removed it; stale ones go first.</summary>
    public static string CreateFolder(string prefix)
    {
        RemoveStale(prefix);
        var dir = Directory.CreateTempSubdirectory($"{prefix}-{Environment.ProcessId}-").FullName;
        lock (Gate) Folders.Add(dir);
        return dir;
    }

    /// <summary>Removes a folder made by <see cref="CreateFolder"/> (best effort: QEMU may still hold a file).</summary>
    public static void RemoveFolder(string dir)
    {
        lock (Gate) Folders.Remove(dir);
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for the next run's sweep.
        }
    }

    /// <summary>How to start <paramref name="binary"/> so that it dies with pmap: under setpriv --pdeathsig where there is one.</summary>
    public static ProcessStartInfo StartInfo(string binary, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(Setpriv ?? binary)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (Setpriv is not null) foreach (var a in (string[])["--pdeathsig", "KILL", "--", binary]) start.ArgumentList.Add(a);
        foreach (var a in args) start.ArgumentList.Add(a);
        return start;
    }

    /// <summary>Starts a child that <see cref="EndAll"/> kills (setpriv execs QEMU, so the PID is QEMU's).</summary>
    public static Process Start(ProcessStartInfo start)
    {
        // The parent-death signal follows the thread that forked, so this forks on the caller's: pmap's main thread.
        var process = Process.Start(start) ?? throw new QemuFailedException($"could not start {start.FileName}");
        lock (Gate) Children.Add(process);
        return process;
    }

    /// <summary>Forgets a child that has been stopped and disposed.</summary>
    public static void Forget(Process process)
    {
        lock (Gate) Children.Remove(process);
    }

    /// <summary>Kills every live child and removes every folder: at exit, however it was reached.</summary>
    public static void EndAll()
    {
        List<Process> children;
        List<string> folders;
        lock (Gate)
        {
            children = [.. Children];
            folders = [.. Folders];
        }
        foreach (var p in children)
        {
            try
            {
                if (!p.HasExited) p.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
        }
        foreach (var dir in folders) RemoveFolder(dir);
    }

    private static void RemoveStale(string prefix)
    {
        foreach (var dir in Directory.EnumerateDirectories(Path.GetTempPath(), prefix + "-*"))
        {
            var parts = Path.GetFileName(dir).Split('-');
            if (parts.Length < 3 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
            if (pid == Environment.ProcessId || Alive(pid)) continue;
            RemoveFolder(dir);
        }
    }

    private static bool Alive(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
