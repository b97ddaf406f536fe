using System.Text;
using Pmap.Core;

namespace Pmap.Host;

/// <summary>
/// Every file pmap writes (report's -o) is written here, one way. A regular or new file is written to a temporary file in the
/// target's folder and renamed over the target once complete (rename(2) is atomic): a failure leaves the old file untouched
/// and no fragment, and of concurrent writers one complete file wins. A symbolic link is followed and its final target
/// replaced (the link stays a link). A FIFO or character device has no content to keep and is written directly; one that
/// nothing reads within <see cref="OpenTimeout"/> is refused. Directories, sockets and block devices are refused.
/// </summary>
public static class OutputFile
{
    public static readonly TimeSpan OpenTimeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Writes what <paramref name="write"/> writes (UTF-8) to <paramref name="path"/>, given with <paramref name="option"/>;
    /// returns the bytes written. Bad targets are usage errors; a failure while writing (a full disk) an environment error.
    /// </summary>
    /// <param name="open">How a file is opened for writing; a test double can fail part way.</param>
    public static long Write(string option, string? path, Action<TextWriter> write, Func<string, FileMode, Stream>? open = null)
    {
        if (string.IsNullOrEmpty(path)) throw new PmapUsageException($"{option} needs a file path");
        open ??= (p, mode) => new FileStream(p, mode, FileAccess.Write, FileShare.None);
        var full = Path.GetFullPath(path);
        var target = new FileInfo(full).LinkTarget is null ? full : File.ResolveLinkTarget(full, returnFinalTarget: true)!.FullName;
        var (kind, _) = FileStat.Of(target);
        return kind switch
        {
            FileKind.Missing or FileKind.Regular or FileKind.Unknown => Replace(option, target, write, open),
            FileKind.Fifo or FileKind.CharacterDevice => Direct(option, target, write, open),
            _ => throw new PmapUsageException($"{option} '{full}' is {FileStat.Describe(kind)}: cannot write a file there"),
        };
    }

    private static long Replace(string option, string target, Action<TextWriter> write, Func<string, FileMode, Stream> open)
    {
        var folder = Path.GetDirectoryName(target)!;
        var temp = Path.Combine(folder, $".{Path.GetFileName(target)}.{Environment.ProcessId}.{Guid.NewGuid():n}.tmp");
        Stream stream;
        try
        {
            stream = open(temp, FileMode.CreateNew);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PmapUsageException($"{option} '{target}': cannot write in {folder}: {Reason(e, temp)}");
        }
        try
        {
            long bytes;
            using (stream)
            {
                bytes = WriteAll(stream, write);
                if (stream is FileStream file) file.Flush(flushToDisk: true);
            }
            KeepMode(temp, target);
            FileStat.Rename(temp, target);
            return bytes;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PmapEnvironmentException($"{option} '{target}': writing failed, the file is left as it was: {Reason(e, temp)}");
        }
        finally
        {
            TryDelete(temp); // gone after the rename; left only when writing failed
        }
    }

    private static long Direct(string option, string target, Action<TextWriter> write, Func<string, FileMode, Stream> open)
    {
        // Opening a FIFO waits for a reader: wait a while, then give up (the blocked open dies with the process).
        var opening = Task.Run(() => open(target, FileMode.Open));
        try
        {
            if (!opening.Wait(OpenTimeout))
                throw new PmapUsageException($"{option} '{target}': nothing read it within {OpenTimeout.TotalSeconds:0} s (a FIFO with no reader)");
        }
        catch (AggregateException e) when (e.InnerException is IOException or UnauthorizedAccessException)
        {
            throw new PmapUsageException($"{option} '{target}': cannot write: {e.InnerException.Message}");
        }
        try
        {
            using var stream = opening.Result;
            return WriteAll(stream, write);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PmapEnvironmentException($"{option} '{target}': writing failed: {e.Message}");
        }
    }

    /// <summary>Why, in the user's terms: the temporary file is pmap's business, not a name to show.</summary>
    private static string Reason(Exception e, string temp) => e switch
    {
        DirectoryNotFoundException => "no such folder",
        FileNotFoundException => "no file can be created there",
        UnauthorizedAccessException => "permission denied",
        _ => e.Message.Replace($" : '{temp}'", "", StringComparison.Ordinal).Replace(temp, "its temporary file", StringComparison.Ordinal),
    };

    private static long WriteAll(Stream stream, Action<TextWriter> write)
    {
        var counted = new CountingStream(stream);
        using (var writer = new StreamWriter(counted, new UTF8Encoding(false), 65536, leaveOpen: true)) write(writer);
        return counted.Written;
    }

    /// <summary>The new file gets the old one's permissions (a report kept private stays private).</summary>
    private static void KeepMode(string temp, string target)
    {
        if (OperatingSystem.IsWindows()) return;
        try
        {
            File.SetUnixFileMode(temp, File.GetUnixFileMode(target));
        }
        catch (FileNotFoundException)
        {
            // A new file: the mode the process's umask gives.
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Nothing more can be done; the error already said what failed.
        }
    }

    /// <summary>Counts what reaches the file, so "bytes" is what was written (not a link's own length, not 0 for /dev/null).</summary>
    private sealed class CountingStream(Stream inner) : WriteOnlyStream
    {
        public long Written { get; private set; }
        public override void Flush() => inner.Flush();

        public override void Write(byte[] buffer, int offset, int count)
        {
            inner.Write(buffer, offset, count);
            Written += count;
        }
    }
}
