using System.Text.Json;
using System.Text.RegularExpressions;

namespace Pmap.Host.Tests;

/// <summary>
/// A hazard shows wherever it happens, not only under `pmap hazards`: `map` marks the missing step in the instruction list, `boot`
/// lists its hazards and exits 4, and the report draws them in the timeline and opens with them. Notes follow each release's facts.
/// </summary>
public partial class FindingsCliTests
{
    private static List<JsonElement> Events(CliResult r) =>
        r.Json.GetProperty("steps").EnumerateArray().SelectMany(s => s.GetProperty("events").EnumerateArray()).ToList();

    [Theory]
    [InlineData("arm64")]
    [InlineData("arm32")]
    public void Map_under_4_17_marks_the_missing_isb_after_write_pte_with_its_rule(string arch)
    {
        // docs/XEN_FACTS.md §3.10: 4.17's arch_pmap_map is write_pte (dsb; store; dsb) and no isb; feaa9aca87 (4.18.0) adds it.
        var r = Cli.Run("map", "--arch", arch, "--profile", "xen-4.17", "--mfn", "1-2", "--json");
        Assert.Equal(0, r.Code);
        foreach (var step in r.Json.GetProperty("steps").EnumerateArray())
        {
            var kinds = step.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("kind").GetString()).ToList();
            Assert.Equal(["barrier", "pte-write", "barrier", "missing"], kinds);
            var missing = step.GetProperty("events")[3];
            Assert.Equal(("isb", "ARM-NEW-ISB"), (missing.GetProperty("step").GetString(), missing.GetProperty("rule").GetString()));
            Assert.Equal(step.GetProperty("va").GetString(), missing.GetProperty("va").GetString());
            Assert.False(missing.TryGetProperty("op", out _)); // not executed: no op
        }

        var text = Cli.Run("map", "--arch", arch, "--profile", "xen-4.17", "--mfn", "0x12345");
        Assert.Matches(@"dsb( sy)?\n  <missing: isb>  ARM-NEW-ISB: ", text.Out.Replace("\r", "", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("upstream")]
    [InlineData("xen-4.18.0")]
    public void Map_with_the_isb_marks_nothing(string profile)
    {
        var r = Cli.Run("map", "--profile", profile, "--mfn", "0x12345", "--unmap", "--json");
        Assert.Equal(0, r.Code);
        Assert.DoesNotContain(Events(r), e => e.GetProperty("kind").GetString() is "missing" or "hazard");
        Assert.Contains(Events(r), e => e.TryGetProperty("op", out var op) && op.GetString() == "isb");
        Assert.DoesNotContain("<missing", Cli.Run("map", "--profile", profile, "--mfn", "0x12345").Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Boot_under_4_17_lists_its_hazards_and_exits_4()
    {
        var r = Cli.Run("boot", "--profile", "xen-4.17", "--json");
        Assert.Equal(4, r.Code);
        Assert.True(r.Json.GetProperty("hazards").GetInt64() > 0);
        var findings = r.Json.GetProperty("findings").EnumerateArray().ToList();
        Assert.Contains(findings, f => f.GetProperty("rule").GetString() == "ARM-NEW-ISB" && f.GetProperty("function").GetString() == "arch_pmap_map"
                                       && f.GetProperty("where").GetString() == "end-of-function"
                                       && f.GetProperty("sequence").EnumerateArray().Last().GetString() == "<missing: isb>");
        Assert.True(r.Json.GetProperty("error").ValueKind == JsonValueKind.Null);

        var text = Cli.Run("boot", "--profile", "xen-4.17");
        Assert.Equal(4, text.Code);
        Assert.Contains("ARM-NEW-ISB at the end of arch_pmap_map:", text.Out);
        Assert.Contains("<missing: isb>", text.Out);
    }

    [Theory]
    [InlineData("arm64", "upstream")]
    [InlineData("arm64", "xen-4.18.0")]
    [InlineData("arm32", "upstream")]
    [InlineData("x86", "series-v5")]
    [InlineData("riscv", "upstream")]
    public void Boot_without_hazards_exits_0_with_no_findings(string arch, string profile)
    {
        var r = Cli.Run("boot", "--arch", arch, "--profile", profile, "--json");
        Assert.Equal(0, r.Code);
        Assert.Equal(0, r.Json.GetProperty("hazards").GetInt64());
        Assert.Empty(r.Json.GetProperty("findings").EnumerateArray());
    }

    [Theory]
    [InlineData("arm64", "xen-4.18.0")]
    [InlineData("arm64", "xen-4.18.1")]
    [InlineData("arm64", "xen-4.18.2")]
    [InlineData("arm64", "xen-4.18.3")]
    [InlineData("arm64", "xen-4.19.0")]
    [InlineData("arm32", "xen-4.18.3")]
    [InlineData("arm32", "xen-4.19.0")]
    public void Notes_of_releases_with_the_isb_do_not_claim_it_missing(string arch, string profile)
    {
        // docs/XEN_FACTS.md §1.1: these releases have feaa9aca87's isb and still the FIXADDR_TOP off-by-one.
        var notes = Cli.Run("layout", "--arch", arch, "--profile", profile, "--json").Json.GetProperty("notes").EnumerateArray()
            .Select(n => n.GetString()!).ToList();
        Assert.DoesNotContain(notes, n => n.Contains("isb", StringComparison.Ordinal));
        var top = Assert.Single(notes);
        // asm/fixmap.h: 4.18.x FIXMAP_ADDR(FIXMAP_LAST); 4.19.0 FIXMAP_ADDR(FIX_LAST) (0441c3acc7 renamed the enum).
        Assert.StartsWith(profile == "xen-4.19.0" ? "FIXADDR_TOP = FIXMAP_ADDR(FIX_LAST) = " : "FIXADDR_TOP = FIXMAP_ADDR(FIXMAP_LAST) = ", top);

        var html = Path.Combine(Path.GetTempPath(), $"pmap-notes-{arch}-{profile}-{Guid.NewGuid():n}.html");
        try
        {
            Assert.Equal(0, Cli.Run("report", "--arch", arch, "--profile", profile, "-o", html).Code);
            var page = File.ReadAllText(html);
            Assert.DoesNotContain("has no isb", page, StringComparison.Ordinal);
            Assert.Contains(System.Net.WebUtility.HtmlEncode(top), page, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(html);
        }
    }

    // The port's own statement of what it leaves out, under its architecture only (x86 and RISC-V: Xen's image mapping).
    [Fact]
    public void The_findings_say_what_each_port_does_not_model()
    {
        var html = Path.Combine(Path.GetTempPath(), $"pmap-unmodelled-{Guid.NewGuid():n}.html");
        try
        {
            Assert.Equal(0, Cli.Run("report", "--arch", "x86,arm64", "-o", html).Code);
            var page = File.ReadAllText(html);
            var findings = page[page.IndexOf("data-section=\"findings\"", StringComparison.Ordinal)..page.IndexOf("data-section=\"fixmap\"",
                StringComparison.Ordinal)];
            var (x86, arm64) = Split(findings, "data-arch=\"arm64\"");
            Assert.Contains("<li data-unmodelled-arch>Xen&#39;s own image mapping</li>", x86, StringComparison.Ordinal);
            Assert.DoesNotContain("data-unmodelled-arch", arm64, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(html);
        }
    }

    [Fact]
    public void Report_opens_with_findings_and_draws_the_missing_isb_where_it_belongs()
    {
        var html = Path.Combine(Path.GetTempPath(), $"pmap-findings-{Guid.NewGuid():n}.html");
        try
        {
            Assert.Equal(0, Cli.Run("report", "--profile", "arm64:xen-4.17,arm64:upstream", "-o", html).Code);
            var page = File.ReadAllText(html);
            // The findings section comes before every other section.
            Assert.Equal("findings", SectionIds().Match(page).Groups[1].Value);
            var findings = page[page.IndexOf("data-section=\"findings\"", StringComparison.Ordinal)..page.IndexOf("data-section=\"fixmap\"",
                StringComparison.Ordinal)];
            var (old, now) = Split(findings, "data-profile=\"upstream\"");
            Assert.Contains("data-finding=\"hazard\" data-rule=\"ARM-NEW-ISB\"", old, StringComparison.Ordinal);
            // 4.17's FIXADDR_TOP: unmapping the last of 8 slots trips virt_to_fix's BUG_ON (docs/XEN_FACTS.md §3.9).
            Assert.Contains("data-finding=\"bug\"", old, StringComparison.Ordinal);
            Assert.Contains("vaddr &gt;= FIXADDR_TOP", old, StringComparison.Ordinal);
            Assert.Contains("data-finding=\"none\"", now, StringComparison.Ordinal);
            Assert.Contains("data-unchecked", now, StringComparison.Ordinal);

            // The 4.17 timeline: dsb sy; str; dsb sy, then the missing isb drawn as the hazard at index 3, before the unmap's events.
            var timeline = page[page.IndexOf("data-section=\"timeline\"", StringComparison.Ordinal)..];
            var (t417, tUp) = Split(timeline, "upstream");
            var hazard = HazardEvent().Match(t417);
            Assert.True(hazard.Success, "no hazard drawn in the 4.17 timeline");
            Assert.Equal(("missing", "3", "ARM-NEW-ISB"), (hazard.Groups[1].Value, hazard.Groups[2].Value, hazard.Groups[3].Value));
            Assert.DoesNotMatch(HazardEvent(), tUp[..tUp.IndexOf("data-section=\"compare\"", StringComparison.Ordinal)]);
        }
        finally
        {
            File.Delete(html);
        }
    }

    private static (string Before, string After) Split(string text, string marker)
    {
        var at = text.IndexOf(marker, StringComparison.Ordinal);
        Assert.True(at >= 0, $"'{marker}' not found");
        return (text[..at], text[at..]);
    }

    [GeneratedRegex("<section data-section=\"([a-z]+)\"")]
    private static partial Regex SectionIds();

    [GeneratedRegex("data-event=\"([a-z-]+)\" data-index=\"([0-9]+)\" data-hazard=\"([A-Z0-9-]+)\"")]
    private static partial Regex HazardEvent();
}
