using System.Text.RegularExpressions;

namespace Pmap.Host.Tests;

/// <summary>docs/CLI.md §4 at 80 columns (no name or hex number cut, wrapped lines indented under their start) and below it.</summary>
public partial class NarrowConsoleTests
{
    private static readonly Dictionary<string, string> Eighty = new() { ["COLUMNS"] = "80" };

    private static List<string> Lines80(params string[] args)
    {
        var r = Cli.Process(Eighty, args);
        Assert.True(r.Code is 0 or 1 or 4, r.Err);
        var lines = r.Out.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n').ToList();
        Assert.All(lines, l => Assert.True(l.Length <= 80, $"{l.Length} columns: {l}"));
        return lines;
    }

    [Fact]
    public void Layout_keeps_every_x86_slot_name_and_address_whole_at_80()
    {
        var lines = Lines80("layout", "--arch", "x86");
        // Every enum name of the x86 series' fixed_addresses and every VA stands whole on one line.
        foreach (var name in new[] { "FIX_TBOOT_SHARED_BASE", "FIX_TBOOT_MAP_ADDRESS", "FIX_MSIX_IO_RESERV[304..511]", "FIX_IO_APIC_BASE[0..127]" })
            Assert.Contains(lines, l => l.Contains(name, StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("0xffff82cfffdff000..", StringComparison.Ordinal));
    }

    [Fact]
    public void Hazards_wrap_under_their_start_and_why_is_one_block_per_instruction()
    {
        var lines = Lines80("hazards", "--arch", "arm64", "--profile", "xen-4.17", "--why");
        // At column 0 only what starts something: a hazard (its rule id), a function's --why block, the summary.
        Assert.All(lines.Where(l => l.Length > 0 && l[0] != ' '), l => Assert.Matches(ColumnZero(), l));
        // Each instruction of arch_pmap_map (dsb sy; str; dsb sy) has a block whose first line carries its verdict.
        Assert.Contains("  #0 dsb sy: redundant", lines);
        Assert.Contains(lines, l => l.StartsWith("  #1 str xen_fixmap[66] = ", StringComparison.Ordinal) && l.EndsWith(": needed", StringComparison.Ordinal));
        Assert.Contains("  #2 dsb sy: needed (ARM-NEW-DSB)", lines);
        // The reasons stand under their block, never in a narrow column.
        Assert.DoesNotContain(lines, l => l.Contains('│'));
    }

    [Fact]
    public void Map_wraps_a_missing_step_under_its_start()
    {
        var lines = Lines80("map", "--arch", "arm64", "--profile", "xen-4.17", "--mfn", "1");
        var at = lines.FindIndex(l => l.StartsWith("  <missing: isb>", StringComparison.Ordinal));
        Assert.True(at >= 0);
        Assert.StartsWith("      ", lines[at + 1]);
    }

    [Fact]
    public void Below_80_columns_human_output_is_refused_with_one_line_and_json_still_works()
    {
        var r = Cli.Process(new Dictionary<string, string> { ["COLUMNS"] = "40" }, "layout", "--arch", "x86");
        Assert.Equal(2, r.Code);
        Assert.Equal("", r.Out);
        Assert.Equal("pmap: the console is 40 columns wide; pmap's human output needs 80 so that no name or number is cut: widen it, "
            + "set COLUMNS=80, or use --json", r.Err.TrimEnd());
        var json = Cli.Process(new Dictionary<string, string> { ["COLUMNS"] = "40" }, "layout", "--arch", "x86", "--json");
        Assert.Equal(0, json.Code);
    }

    [GeneratedRegex(@"^(ARM-[A-Z-]+ at |(arch_pmap_map|arch_pmap_unmap|xen_pt_update): each instruction|arm64 xen-4\.17: )")]
    private static partial Regex ColumnZero();
}
