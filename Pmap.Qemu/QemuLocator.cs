namespace Pmap.Qemu;

/// <summary>Thrown when the QEMU binary for a target is not on PATH.</summary>
public sealed class QemuNotInstalledException(QemuTarget target)
    : Exception($"{target.Binary} not installed (Debian package {target.DebianPackage})")
{
    public QemuTarget Target { get; } = target;
}

/// <summary>Finds QEMU system emulators on PATH.</summary>
public static class QemuLocator
{
    /// <summary>Full path of the target's QEMU binary, or null when it is not on PATH.</summary>
    public static string? Find(QemuTarget target) => FindOnPath(target.Binary);

    /// <summary>Full path of the target's QEMU binary; throws <see cref="QemuNotInstalledException"/> when missing.</summary>
    public static string Require(QemuTarget target) => Find(target) ?? throw new QemuNotInstalledException(target);

    /// <summary>Text to skip a test with when the binary is missing, else null.</summary>
    public static string? MissingReason(QemuTarget target) =>
        Find(target) is null ? new QemuNotInstalledException(target).Message : null;

    internal static string? FindOnPath(string binary)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, binary);
            if (File.Exists(candidate) && IsExecutable(candidate)) return candidate;
        }
        return null;
    }

    private static bool IsExecutable(string file)
    {
        if (OperatingSystem.IsWindows()) return true;
        const UnixFileMode anyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        return (File.GetUnixFileMode(file) & anyExecute) != 0;
    }
}
