namespace Pmap.Host.Tests;

/// <summary>
/// Issue 27, cases 6 and 17: every file pmap reads is a regular file within its limit (docs/CLI.md, section 5), checked before
/// it is opened: a FIFO, /dev/zero or a 300 MB file is refused at once, never waited on or read into memory.
/// </summary>
public class InputFileTests
{
    private static string Fifo()
    {
        var fifo = Path.Combine(Directory.CreateTempSubdirectory("pmap-in-").FullName, "fifo");
        using (var mk = System.Diagnostics.Process.Start("mkfifo", [fifo])) mk.WaitForExit();
        return fifo;
    }

    private static string Fails(int code, string kind, IDictionary<string, string>? env, params string[] args)
    {
        var r = Cli.Process(env, [.. args, "--json"]);
        r.AssertNoStackTrace();
        Assert.True(code == r.Code, $"exit {r.Code}: {r.Err}");
        Assert.Equal(kind, r.Json.GetProperty("error").GetProperty("kind").GetString());
        return Assert.Single(r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Theory]
    [InlineData("/dev/zero", "is a character device, not a regular file")]
    [InlineData("fifo", "is a FIFO, not a regular file")]
    public void A_symbols_file_that_is_no_file_is_refused(string path, string reason)
    {
        var file = path == "fifo" ? Fifo() : path;
        Assert.Contains(reason, Fails(3, "config", null, "layout", "--arch", "arm64", "--xen-syms", file));
        var env = new Dictionary<string, string> { ["PMAP_ARCHITECTURES__ARM64__SYMBOLSFILE"] = file };
        Assert.Contains(reason, Fails(3, "config", env, "layout", "--arch", "arm64"));
    }

    [Theory]
    [InlineData("fifo", "is a FIFO, not a regular file")]
    [InlineData("/dev/zero", "is a character device, not a regular file")]
    public void Per_user_settings_that_are_no_file_are_refused(string what, string reason)
    {
        var home = Directory.CreateTempSubdirectory("pmap-home-").FullName;
        var settings = Path.Combine(home, "appsettings.json");
        if (what == "fifo") File.Move(Fifo(), settings);
        else File.CreateSymbolicLink(settings, what);
        Assert.Contains(reason, Fails(3, "config", new Dictionary<string, string> { ["PMAP_HOME"] = home }, "layout", "--arch", "arm64"));
    }

    [Fact]
    public void A_300_mb_configuration_is_refused_without_reading_it()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("pmap-big-").FullName, "big.json");
        using (var f = File.Create(file)) f.SetLength(300L << 20); // sparse: no disk used
        Assert.Contains("is 300 MiB, more than the 4 MiB allowed", Fails(2, "usage", null, "layout", "--config", file));
    }

    [Fact]
    public void A_xen_image_that_is_a_fifo_is_refused() =>
        Assert.Contains("is a FIFO, not a regular file", Fails(2, "usage", null, "verify", "--arch", "arm64", "--xen-image", Fifo()));
}
