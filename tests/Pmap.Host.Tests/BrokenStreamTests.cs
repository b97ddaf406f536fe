namespace Pmap.Host.Tests;

/// <summary>
/// Issue 27, case 4: stdout or stderr on a full device. The run ends with exit 3 (kind environment) and one line on whichever
/// stream still works; no trace, and no second attempt at the broken stream.
/// </summary>
public class BrokenStreamTests
{
    private static readonly string Pmap = Path.Combine(Cli.HostOutput, "pmap.dll");

    /// <summary>pmap under sh with <paramref name="redirect"/> applied, so a stream can be /dev/full.</summary>
    private static CliResult Shell(string redirect, params string[] args) =>
        Cli.Exec("sh", ["-c", $"exec dotnet \"$@\" {redirect}", "sh", Pmap, .. args, "--plugins", Cli.PluginsFolder]);

    [Theory]
    [InlineData("layout", "--arch", "arm64", "--json")]
    [InlineData("dump", "--arch", "riscv", "--json")]
    [InlineData("fuzz", "--arch", "x86", "--count", "1000", "--json")]
    [InlineData("layout", "--arch", "arm64")]
    [InlineData("map", "--arch", "x86", "--mfn", "0x10")]
    public void A_full_stdout_is_one_line_and_exit_3(params string[] args)
    {
        var r = Shell("> /dev/full", args);
        Assert.Equal(3, r.Code);
        Assert.Equal("pmap: cannot write to stdout: No space left on device", r.Err.TrimEnd('\n'));
    }

    [Fact]
    public void A_full_stderr_ends_the_run_with_exit_3_and_nothing_more()
    {
        // A deprecated spelling makes a note on stderr before anything else is written.
        var r = Shell("2> /dev/full", "layout", "--arch", "arm64", "--release", "--json");
        Assert.Equal(3, r.Code);
        Assert.Equal("", r.Err);
    }

    [Fact]
    public void A_usage_error_on_a_full_stdout_still_says_it_on_stderr()
    {
        var r = Shell("> /dev/full", "layout", "--arch", "arm46", "--json");
        Assert.Equal(3, r.Code);
        Assert.Single(r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("pmap: unknown architecture 'arm46'", r.Err, StringComparison.Ordinal);
    }
}
