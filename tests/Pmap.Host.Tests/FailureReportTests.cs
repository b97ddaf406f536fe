namespace Pmap.Host.Tests;

/// <summary>A failure explains itself, once: what Xen did wrong in Xen's terms, and a model fault never passed off as Xen's.</summary>
public class FailureReportTests
{
    private static string[] Lines(CliResult r) =>
        (r.Out + "\n" + r.Err).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [Fact]
    public void The_strict_ordering_crash_names_the_pmap_map_its_slot_and_the_missing_isb()
    {
        // Arm 4.17: FIXMAP_ADDR(n) = 0x400000 + n * 4K and FIXMAP_PMAP_BEGIN = 66 (after FIXMAP_CONSOLE, FIXMAP_MISC and 64 ACPI pages),
        // so boot's first pmap_map (of a table page) fills xen_fixmap[66] for VA 0x442000; 4.17's arch_pmap_map has no isb after
        // write_pte (feaa9aca87fd "xen/arm: pmap: Add missing ISB in arch_pmap_map()" is 4.18), so the next access walks the old entry.
        var r = Cli.Run("boot", "--arch", "arm64", "--profile", "xen-4.17", "--strict-ordering", "--json");
        Assert.Equal(1, r.Code);
        var message = r.Json.GetProperty("error").GetProperty("message").GetString()!;
        Assert.Matches(@"^translation fault at VA 0x442[0-9a-f]{3}, level 3: invalid entry in hypervisor context: "
            + @"pmap_map\(0x[0-9a-f]+\) stored xen_fixmap\[66\] = 0x[0-9a-f]+ for slot 66 \(FIXMAP_PMAP\[0\], VA 0x442000\) "
            + @"and no isb followed it, so the walk used the old entry 0x0 \(strict ordering\)$", message);
        Assert.EndsWith(message, r.Err.Trim());
    }

    [Fact]
    public void A_panic_is_printed_once_and_human_output_points_to_it()
    {
        // NUM_FIX_PMAP is 8: the ninth pmap_map finds no free bit and panics.
        var r = Cli.Run("map", "--arch", "arm64", "--mfn", "1-9");
        Assert.Equal(1, r.Code);
        Assert.Equal(["(XEN) Out of PMAP slots", "pmap: Panic in pmap_map: Out of PMAP slots"], Lines(r).Where(l => l.Contains("Out of PMAP slots")));
        Assert.Contains("Xen stopped here: PANIC in pmap_map (Xen's message is on stderr)", r.Out);

        // The FIXADDR_TOP off-by-one: Xen's BUG line and panic banner, then pmap's one line; stdout names the BUG, not its text.
        var bug = Cli.Run("map", "--arch", "arm64", "--profile", "xen-4.17", "--mfn", "1-8", "--unmap");
        Assert.Single(Lines(bug), l => l.Contains("BUG_ON(vaddr >= FIXADDR_TOP", StringComparison.Ordinal));
        Assert.DoesNotContain("FIXADDR_TOP", bug.Out);

        // The boot crash and the last line Xen printed before it: each once, on stderr.
        var boot = Cli.Run("boot", "--arch", "arm64", "--profile", "xen-4.17", "--strict-ordering");
        Assert.Single(Lines(boot), l => l.Contains("translation fault", StringComparison.Ordinal));
        Assert.DoesNotContain("translation fault", boot.Out);
    }

    [Fact]
    public void A_failed_boot_verification_is_the_models_fault_exit_3_never_a_Xen_BUG()
    {
        // The broken test plugin maps each directmap page one frame off: Xen's checks all pass, the walker's verification does not.
        var plugins = Path.Combine(AppContext.BaseDirectory, "testplugins");
        var r = Cli.Run("boot", "--arch", "broken", "--plugins", plugins, "--json");
        Assert.Equal(3, r.Code);
        var error = r.Json.GetProperty("error");
        Assert.Equal("model", error.GetProperty("kind").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, error.GetProperty("where").ValueKind);
        Assert.False(error.TryGetProperty("console", out _));
        // DirectmapVirtStart 0x100000000000 maps RAM 0x40000000 + 64M: its first page reaches 0x40001000 instead of 0x40000000.
        Assert.Equal("the model's own verification failed: VA 0x100000000000 (level 3): maps 0x40001000 instead of 0x40000000",
            error.GetProperty("message").GetString());
        Assert.Equal("pmap: " + error.GetProperty("message").GetString(), r.Err.Trim());

        var human = Cli.Run("boot", "--arch", "broken", "--plugins", plugins);
        Assert.Equal(3, human.Code);
        Assert.DoesNotContain("BUG", human.Out + human.Err);
        Assert.DoesNotContain("(XEN)", human.Err);
        Assert.Contains("the model failed its own check", human.Out);
    }
}
