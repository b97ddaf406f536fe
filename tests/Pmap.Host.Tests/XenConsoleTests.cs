namespace Pmap.Host.Tests;

/// <summary>
/// Xen's own console lines beside pmap's summary (docs/XEN_FACTS.md, messages): do_bug_frame's printk (arch/arm/traps.c),
/// then panic()'s banner from drivers/char/console.c, every line prefixed "(XEN) ".
/// </summary>
public class XenConsoleTests
{
    private static readonly string[] EightFrames = Enumerable.Range(1, 8).SelectMany(i => new[] { "--mfn", $"0x{0x40000 + i:x}" }).ToArray();

    private static string[] Banner(string message) =>
        ["(XEN) ", "(XEN) " + new string('*', 40), "(XEN) Panic on CPU 0:", "(XEN) " + message, "(XEN) " + new string('*', 40), "(XEN) ",
         "(XEN) Reboot in five seconds..."];

    [Fact]
    public void The_4_17_FIXADDR_TOP_bug_prints_Xen_BUG_at_fixmap_h_41()
    {
        // virt_to_fix's BUG_ON is asm/fixmap.h:41; an in-tree build names the header ./arch/arm/include/asm/fixmap.h (-I$(srctree)/...
        // with srctree "."), as the bug frame behind Debian 4.17.7's pmap_unmap brk #1 says.
        var r = Cli.Run(["map", "--arch", "arm64", "--profile", "xen-4.17", .. EightFrames, "--unmap"]);
        Assert.Equal(1, r.Code);
        const string bug = "Xen BUG at ./arch/arm/include/asm/fixmap.h:41";
        var err = r.Err.TrimEnd().Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        Assert.Equal(["(XEN) " + bug, .. Banner(bug)], err[..^1]);
        Assert.StartsWith("pmap: Xen BUG in virt_to_fix", err[^1], StringComparison.Ordinal);
    }

    [Fact]
    public void Out_of_slots_is_panics_banner_and_json_keeps_its_error_with_the_console_lines()
    {
        var r = Cli.Run(["map", "--arch", "arm64", "--profile", "upstream", .. EightFrames, "--mfn", "0x50000", "--json"]);
        Assert.Equal(1, r.Code);
        var error = r.Json.GetProperty("error");
        Assert.Equal(("panic", "Out of PMAP slots"), (error.GetProperty("kind").GetString(), error.GetProperty("message").GetString()));
        Assert.Equal(Banner("Out of PMAP slots"), error.GetProperty("console").EnumerateArray().Select(l => l.GetString()!));
    }

    [Fact]
    public void A_failed_assert_names_the_condition_as_written_and_pmap_c_line_27()
    {
        const string assert = "Assertion '!in_irq()' failed at common/pmap.c:27";
        var r = Cli.Run(["map", "--arch", "arm64", "--profile", "xen-4.17", "--mfn", "1", "--in-irq", "--json"]);
        Assert.Equal(1, r.Code);
        var console = r.Json.GetProperty("error").GetProperty("console").EnumerateArray().Select(l => l.GetString()!);
        Assert.Equal(["(XEN) " + assert, .. Banner(assert)], console);
    }
}
