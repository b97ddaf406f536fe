using Pmap.Core;

namespace Pmap.Host.Tests;

/// <summary>A fact that mounts a tmpfs in a mount namespace of its own: skipped where unshare may not make one.</summary>
public sealed class MountNamespaceFactAttribute : FactAttribute
{
    public MountNamespaceFactAttribute()
    {
        var r = Cli.Exec("unshare", ["--mount", "--map-root-user", "true"]);
        if (r.Code != 0) Skip = $"no mount namespace here ({r.Err.Trim()}); the stream double covers the same path";
    }
}

/// <summary>
/// Files pmap writes (issue 27, cases 1, 2, 3, 6, 10, 11): written whole or not at all, through the real binary. A failure
/// leaves the old file and no fragment; concurrent writers leave one complete file; links, devices and FIFOs follow one rule.
/// </summary>
public class OutputFileTests
{
    private static string Folder() => Directory.CreateTempSubdirectory("pmap-out-").FullName;

    private static string Kind(CliResult r) => r.Json.GetProperty("error").GetProperty("kind").GetString()!;

    /// <summary>Case 1: the plugin throws in arch_pmap_map while the report is written.</summary>
    [Fact]
    public void A_report_that_fails_midway_leaves_the_old_file_and_no_fragment()
    {
        var dir = Folder();
        var keep = Path.Combine(dir, "keep.html");
        File.WriteAllText(keep, "the old report");
        var r = Cli.Hostile("map", "report", "--arch", "hostile", "-o", keep, "--json");
        Assert.DoesNotContain("   at ", r.Err);
        Assert.Equal((3, "plugin"), (r.Code, Kind(r)));
        Assert.Equal("the old report", File.ReadAllText(keep));
        Assert.Equal([keep], Directory.GetFiles(dir));
    }

    /// <summary>Case 2, on a real full disk: a 16 KiB tmpfs in a mount namespace of its own (the report is about 40 KiB).</summary>
    [MountNamespaceFact]
    public void A_full_disk_leaves_the_old_file_and_no_new_one()
    {
        var dir = Folder();
        var script = $"""
            mount -t tmpfs -o size=16k tmpfs '{dir}' || exit 97
            printf 'the old report' > '{dir}/old.html'
            dotnet '{Path.Combine(Cli.HostOutput, "pmap.dll")}' report --arch x86 -o '{dir}/old.html' --json > '{dir}/old.json'; echo "old $?"
            dotnet '{Path.Combine(Cli.HostOutput, "pmap.dll")}' report --arch x86 -o '{dir}/new.html' --json > '{dir}/new.json'; echo "new $?"
            cat '{dir}/old.html'; echo; ls -A '{dir}' | tr '\n' ' '; echo; cat '{dir}/old.json'
            """;
        var r = Cli.Exec("unshare", ["--mount", "--map-root-user", "sh", "-c", script]);
        var lines = r.Out.Split('\n');
        Assert.Equal(["old 3", "new 3", "the old report", "new.json old.html old.json "], lines[..4]);
        Assert.Contains("\"kind\": \"environment\"", r.Out);
        Assert.Contains("writing failed, the file is left as it was", r.Err);
    }

    /// <summary>Case 2 without a mount: a stream that fills after 16 KiB, under the same helper every command writes through.</summary>
    [Fact]
    public void A_write_that_fails_part_way_leaves_the_old_file_and_no_fragment()
    {
        var dir = Folder();
        var target = Path.Combine(dir, "r.html");
        File.WriteAllText(target, "old");
        var e = Assert.Throws<PmapEnvironmentException>(() => OutputFile.Write("-o", target, w => w.Write(new string('x', 100_000)),
            (path, mode) => new FullAfter(new FileStream(path, mode, FileAccess.Write), 16 << 10)));
        Assert.Contains("No space left on device", e.Message);
        Assert.Equal("old", File.ReadAllText(target));
        Assert.Equal([target], Directory.GetFiles(dir));
    }

    /// <summary>Case 3: eight writers of one file, each a different frame: one complete report wins, nothing is mixed.</summary>
    [Fact]
    public void Concurrent_reports_to_one_file_leave_one_complete_report()
    {
        var dir = Folder();
        var same = Path.Combine(dir, "same.html");
        var mfns = Enumerable.Range(0, 8).Select(i => $"0x{0x5a5a0 + i:x}").ToList();
        var runs = mfns.AsParallel().WithDegreeOfParallelism(8)
            .Select(m => Cli.Process(null, "report", "--arch", "x86", "--mfn", m, "-o", same, "--json")).ToList();
        Assert.All(runs, r => Assert.Equal(0, r.Code));
        var html = File.ReadAllText(same);
        Assert.Contains(runs, r => r.Json.GetProperty("bytes").GetInt64() == new FileInfo(same).Length);
        Assert.EndsWith("</html>\n", html, StringComparison.Ordinal);
        Assert.Single(mfns, m => html.Contains(m, StringComparison.Ordinal));
        Assert.Equal([same], Directory.GetFiles(dir));
    }

    /// <summary>Case 10.</summary>
    [Fact]
    public void An_empty_output_path_is_a_usage_error()
    {
        var r = Cli.Process(null, "report", "--arch", "x86", "-o", "", "--json");
        Assert.Equal((2, "usage"), (r.Code, Kind(r)));
        Assert.Equal("pmap: -o needs a file path", r.Err.Trim());
    }

    /// <summary>Case 7: a folder that does not exist is said so, the path escaped, and pmap's temporary file never named.</summary>
    [Fact]
    public void A_missing_folder_is_one_escaped_line_without_the_temporary_name()
    {
        var missing = Path.Combine(Folder(), "gone", "r\u001b[2J.html");
        var r = Cli.Process(null, "report", "--arch", "x86", "-o", missing, "--json");
        Assert.Equal((2, "usage"), (r.Code, Kind(r)));
        var line = Assert.Single(r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.EndsWith("r\\e[2J.html': cannot write in " + Path.GetDirectoryName(missing) + ": no such folder", line, StringComparison.Ordinal);
        Assert.DoesNotContain(".tmp", line, StringComparison.Ordinal);
    }

    /// <summary>Case 11: a link is written through to its target, atomically, and stays a link; bytes is what was written.</summary>
    [Fact]
    public void A_link_is_written_through_and_bytes_is_what_was_written()
    {
        var dir = Folder();
        var real = Path.Combine(dir, "real.html");
        File.WriteAllText(real, "old");
        var link = Path.Combine(dir, "link.html");
        File.CreateSymbolicLink(link, real);
        var r = Cli.Process(null, "report", "--arch", "x86", "-o", link, "--json");
        Assert.Equal(0, r.Code);
        Assert.Equal(new FileInfo(real).Length, r.Json.GetProperty("bytes").GetInt64());
        Assert.True(new FileInfo(real).Length > 10_000);
        Assert.Equal(real, new FileInfo(link).LinkTarget);
        Assert.Equal(["link.html", "real.html"], Directory.GetFileSystemEntries(dir).Select(Path.GetFileName).Order());
    }

    /// <summary>Case 11: /dev/null is written directly (not replaced), and bytes counts what went into it.</summary>
    [Fact]
    public void A_device_is_written_directly_and_counted()
    {
        var file = Path.Combine(Folder(), "r.html");
        var toFile = Cli.Process(null, "report", "--arch", "x86", "-o", file, "--json");
        var toNull = Cli.Process(null, "report", "--arch", "x86", "-o", "/dev/null", "--json");
        Assert.Equal((0, 0), (toFile.Code, toNull.Code));
        Assert.Equal(new FileInfo(file).Length, toNull.Json.GetProperty("bytes").GetInt64());
        Assert.True(File.Exists("/dev/null") && new FileInfo("/dev/null").Length == 0);
    }

    /// <summary>Case 6: a FIFO nothing reads is given up on, not waited for.</summary>
    [Fact]
    public void A_fifo_with_no_reader_is_refused_in_time()
    {
        var fifo = Path.Combine(Folder(), "fifo");
        using (var mk = System.Diagnostics.Process.Start("mkfifo", [fifo])) mk.WaitForExit();
        var r = Cli.Process(null, "report", "--arch", "x86", "-o", fifo, "--json");
        Assert.Equal((2, "usage"), (r.Code, Kind(r)));
        Assert.Contains("nothing read it within 2 s (a FIFO with no reader)", r.Err);
    }

    /// <summary>A stream that takes <paramref name="room"/> bytes, then fails as a full disk does.</summary>
    private sealed class FullAfter(Stream inner, long room) : Stream
    {
        private long _written;
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _written;
        public override long Position { get => _written; set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
            if (_written + count > room) throw new IOException("No space left on device");
            inner.Write(buffer, offset, count);
            _written += count;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
