using System.Text.RegularExpressions;

namespace Pmap.Host.Tests;

/// <summary>`pmap versions` grouped by change and `--diff`, and release names without xen-, through the real binary.</summary>
public partial class VersionsCliTests
{
    [Fact]
    public void Versions_groups_releases_with_equal_facts_one_row_per_change()
    {
        var r = Cli.Run("versions", "--arch", "arm64");
        Assert.Equal(0, r.Code);
        var spans = SpanCell().Matches(r.Out).Select(m => m.Groups[1].Value).Distinct().ToList();
        // docs/XEN_FACTS.md §1's release matrix, row by row; 4.21.2 and 4.22.0 hold the same values (repeat-TLBI absent, by a
        // backport and by 7c502d7591), so they share a row with upstream.
        Assert.Equal(new[]
        {
            "4.17.0–4.17.6", "4.17.7", "4.18.0–4.18.3", "4.18.4–4.18.5", "4.18.6", "4.19.0", "4.19.1–4.19.5", "4.19.6",
            "4.20.0–4.20.3", "4.20.4", "4.21.0–4.21.1", "4.21.2–upstream",
        }, spans);
        Assert.Contains("32 releases in 12 rows", r.Out);
        // The JSON keeps one row per release.
        Assert.Equal(32, Cli.Run("versions", "--arch", "arm64", "--json").Json.GetProperty("releases").GetArrayLength());
    }

    [Theory]
    [InlineData("xen-4.17.7..xen-4.18.0")]
    [InlineData("4.17.7..4.18.0")]
    [InlineData("xen-4.17..4.18.0")] // xen-4.17 is the newest 4.17.z, 4.17.7
    public void Diff_lists_each_fact_that_changed_old_to_new_with_its_commit(string range)
    {
        var r = Cli.Run("versions", "--arch", "arm64", "--diff", range, "--json");
        Assert.Equal(0, r.Code);
        Assert.Equal("4.17.7", r.Json.GetProperty("from").GetString());
        Assert.Equal("4.18.0", r.Json.GetProperty("to").GetString());
        var changes = r.Json.GetProperty("changes").EnumerateArray().ToDictionary(c => c.GetProperty("fact").GetString()!,
            c => (c.GetProperty("old").GetString(), c.GetProperty("new").GetString(), c.GetProperty("commit").GetString()));
        // XEN_FACTS.md §1: feaa9aca87 adds the isb, cbfaf6ccd2 the repeat-TLBI, abb1522832 moves the fixmap to 0x20000a00000;
        // 4.17.7 already has the nsh flush (333c263bba), so the unmap flush is not a change.
        Assert.Equal(("no", "yes", "feaa9aca87fd"), changes["isb after PMAP store"]);
        Assert.Equal(("absent", "present", "cbfaf6ccd2cb"), changes["repeat-TLBI workaround"]);
        Assert.Equal(("0x400000", "0x20000a00000", "abb1522832bb"), changes["fixmap base"]);
        Assert.Equal(3, changes.Count);

        var human = Cli.Run("versions", "--arch", "arm64", "--diff", range);
        Assert.Contains("arm64 4.17.7 → 4.18.0: 3 facts changed", human.Out);
        Assert.Contains("isb after PMAP store (commit feaa9aca87fd)\n  - no\n  + yes\n", human.Out.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Diff_of_an_unknown_release_suggests_the_nearest()
    {
        var r = Cli.Run("versions", "--arch", "arm64", "--diff", "4.17.7..4.18.9");
        Assert.Equal(2, r.Code);
        Assert.Contains("'4.18.9' is not a release of arm64 (did you mean 4.18.0?)", r.Err);
        Assert.Equal(2, Cli.Run("versions", "--arch", "arm64", "--diff", "4.17.7").Code);
        r.AssertNoStackTrace();
    }

    [Fact]
    public void A_profile_may_be_named_without_xen()
    {
        var bare = Cli.Run("layout", "--arch", "arm64", "--profile", "4.19.1", "--json");
        Assert.Equal(0, bare.Code);
        Assert.Equal("xen-4.19.1", bare.Json.GetProperty("profile").GetString());
        var pair = Cli.Run("compare", "--profile", "arm64:4.17,arm64:4.18.0", "--json");
        Assert.Equal(0, pair.Code);
        Assert.Equal(new[] { "xen-4.17", "xen-4.18.0" },
            pair.Json.GetProperty("architectures").EnumerateArray().Select(a => a.GetProperty("profile").GetString()));
    }

    [Fact]
    public void An_unknown_release_gets_a_did_you_mean_and_no_wall_of_names()
    {
        var r = Cli.Run("layout", "--arch", "arm64", "--profile", "4.19.9");
        Assert.Equal(2, r.Code);
        Assert.Contains("unknown profile '4.19.9' for arm64 (did you mean xen-4.19.0?)", r.Err);
        Assert.Contains("pmap versions --arch arm64 lists the releases", r.Err);
        Assert.DoesNotContain("xen-4.17.3", r.Err);
    }

    [Fact]
    public void Compare_of_two_profiles_of_one_architecture_says_so_and_shows_the_release_facts()
    {
        var r = Cli.Run("compare", "--profile", "arm64:xen-4.17.7,arm64:xen-4.18.0", "--color", "never");
        Assert.Equal(0, r.Code);
        Assert.Contains("on arm64 at each profile (xen-4.17.7, xen-4.18.0)", r.Out);
        Assert.DoesNotContain("each architecture", r.Out);
        Assert.Contains("arm64: 2 profiles of one architecture", r.Out);
        // The repeat-TLBI change (cbfaf6ccd2, 4.18.0) is a release fact no instruction of PMAP shows.
        Assert.Matches(@"repeat-TLBI workaround\s+│ absent\s+│ present \*", r.Out);
    }

    [GeneratedRegex(@"^│ ([0-9][^ ]*)\s+│", RegexOptions.Multiline)]
    private static partial Regex SpanCell();
}
