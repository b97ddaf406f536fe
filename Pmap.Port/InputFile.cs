using System.Runtime.InteropServices;

namespace Pmap.Port;

/// <summary>What a path names, as stat(2) tells it (links followed).</summary>
internal enum FileKind
{
    /// <summary>Nothing there (or a dangling link).</summary>
    Missing,
    /// <summary>A regular file.</summary>
    Regular,
    /// <summary>A directory.</summary>
    Directory,
    /// <summary>A named pipe: opening it waits for the other end.</summary>
    Fifo,
    /// <summary>/dev/null, /dev/zero, /dev/full, a terminal.</summary>
    CharacterDevice,
    /// <summary>A disk.</summary>
    BlockDevice,
    /// <summary>A UNIX socket.</summary>
    Socket,
    /// <summary>Not known on this system (no statx): treated as a regular file.</summary>
    Unknown,
}

/// <summary>
/// The kind and size of a file without opening it: opening a FIFO blocks until the other end comes, and /dev/zero never ends.
/// Linux's statx(2), whose buffer has one layout on every architecture; elsewhere the kind is Unknown.
/// </summary>
internal static partial class FileStat
{
    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1, StatxSize = 0x200;
    private const int ModeOffset = 28, SizeOffset = 40, BufferSize = 256; // struct statx: stx_mode (u16) at 28, stx_size (u64) at 40

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Statx(int dirfd, string path, int flags, uint mask, Span<byte> buffer);

    [LibraryImport("libc", EntryPoint = "rename", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int RenameCall(string from, string to);

    /// <summary>
    /// rename(2): <paramref name="to"/> is the old file or the new one at every instant, never missing (File.Move with overwrite
    /// does not promise that). Throws <see cref="IOException"/> on failure.
    /// </summary>
    public static void Rename(string from, string to)
    {
        if (!OperatingSystem.IsLinux())
        {
            File.Move(from, to, overwrite: true);
            return;
        }
        if (RenameCall(from, to) != 0)
            throw new IOException($"rename to '{to}' failed: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
    }

    /// <summary>The kind of <paramref name="path"/> and its size in bytes (0 where it has none).</summary>
    public static (FileKind Kind, long Size) Of(string path)
    {
        if (!OperatingSystem.IsLinux()) return (Guess(path), 0);
        Span<byte> buffer = stackalloc byte[BufferSize];
        try
        {
            if (Statx(AtFdCwd, path, 0, StatxType | StatxSize, buffer) != 0) return (FileKind.Missing, 0);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return (Guess(path), 0);
        }
        var mode = BitConverter.ToUInt16(buffer[ModeOffset..]);
        var size = BitConverter.ToInt64(buffer[SizeOffset..]);
        var kind = (mode & 0xF000) switch // S_IFMT
        {
            0x8000 => FileKind.Regular,
            0x4000 => FileKind.Directory,
            0x1000 => FileKind.Fifo,
            0x2000 => FileKind.CharacterDevice,
            0x6000 => FileKind.BlockDevice,
            0xC000 => FileKind.Socket,
            _ => FileKind.Unknown,
        };
        return (kind, size);
    }

    /// <summary>Without statx: a directory, something else (Unknown), or nothing.</summary>
    private static FileKind Guess(string path) =>
        File.Exists(path) ? FileKind.Unknown : Directory.Exists(path) ? FileKind.Directory : FileKind.Missing;

    /// <summary>How an error names a kind: "a FIFO", "a character device".</summary>
    public static string Describe(FileKind kind) => kind switch
    {
        FileKind.Regular => "a regular file",
        FileKind.Directory => "a directory",
        FileKind.Fifo => "a FIFO",
        FileKind.CharacterDevice => "a character device",
        FileKind.BlockDevice => "a block device",
        FileKind.Socket => "a socket",
        FileKind.Missing => "missing",
        _ => "not a regular file",
    };
}

/// <summary>A file pmap reads that is not a regular file of bounded size: one line saying which.</summary>
internal sealed class InputFileException(string message) : IOException(message);

/// <summary>
/// Every file pmap reads (configuration, per-user settings, symbols, images) is checked first: a regular file, no larger
/// than its limit (docs/CLI.md, section 5). A FIFO or device is refused rather than read, so nothing hangs or fills memory.
/// </summary>
internal static class InputFile
{
    /// <summary>2^20 bytes.</summary>
    public const long MiB = 1L << 20;

    /// <summary>A JSON configuration file (appsettings.json, PMAP_HOME's, --config).</summary>
    public const long ConfigurationLimit = 4 * MiB;

    /// <summary>A symbols file: xen-syms with its debug sections, or nm / System.map text.</summary>
    public const long SymbolsLimit = 512 * MiB;

    /// <summary>A Xen image booted under QEMU.</summary>
    public const long ImageLimit = 256 * MiB;

    /// <summary>
    /// Throws <see cref="InputFileException"/> unless <paramref name="path"/> is a regular file of at most <paramref name="limit"/> bytes.
    /// </summary>
    public static void Check(string path, long limit)
    {
        var (kind, size) = FileStat.Of(path);
        if (kind == FileKind.Missing) throw new InputFileException($"'{path}' does not exist");
        if (kind is not (FileKind.Regular or FileKind.Unknown))
            throw new InputFileException($"'{path}' is {FileStat.Describe(kind)}, not a regular file");
        if (size > limit) throw new InputFileException($"'{path}' is {Size(size)}, more than the {Size(limit)} allowed");
    }

    /// <summary>The file's bytes, after <see cref="Check"/>; never more than <paramref name="limit"/> (a file growing under us is cut off).</summary>
    public static byte[] ReadAllBytes(string path, long limit)
    {
        Check(path, limit);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
        using var copy = new MemoryStream();
        var buffer = new byte[81920];
        int n;
        while ((n = stream.Read(buffer)) > 0)
        {
            if (copy.Length + n > limit) throw new InputFileException($"'{path}' grew past the {Size(limit)} allowed while read");
            copy.Write(buffer, 0, n);
        }
        return copy.ToArray();
    }

    private static string Size(long bytes) =>
        bytes >= MiB ? $"{bytes / MiB} MiB" : $"{bytes} bytes";
}
