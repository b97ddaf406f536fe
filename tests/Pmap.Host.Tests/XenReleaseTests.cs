namespace Pmap.Host.Tests;

/// <summary>Each Xen release as its own profile, through the real binary: the facts of docs/XEN_FACTS.md §1, release by release.</summary>
public class XenReleaseTests
{
    private static readonly string[] EightFrames = Enumerable.Range(1, 8).SelectMany(i => new[] { "--mfn", $"0x{0x40000 + i:x}" }).ToArray();

    // What ran: every event with an op (a missing step has none).
    private static List<string> Ops(CliResult r, int step) =>
        r.Json.GetProperty("steps")[step].GetProperty("events").EnumerateArray()
            .Select(e => e.TryGetProperty("op", out var op) ? op.GetString()! : null).OfType<string>().ToList();

    [Theory]
    [InlineData("arm64", "xen-4.17.6", "str", "dsb sy", "tlbi vae2", "dsb sy")]
    [InlineData("arm64", "xen-4.17.7", "str", "dsb nshst", "tlbi vae2", "dsb nsh")]
    [InlineData("arm64", "xen-4.17", "str", "dsb nshst", "tlbi vae2", "dsb nsh")]
    [InlineData("arm64", "xen-4.18.0", "str", "dsb nshst", "tlbi vae2", "dsb nsh")]
    [InlineData("arm32", "xen-4.17.6", "strd", "dsb sy", "TLBIMVAH", "dsb sy")]
    [InlineData("arm32", "xen-4.17.7", "strd", "dsb nshst", "TLBIMVAH", "dsb nsh")]
    public void The_unmap_flush_barriers_change_in_4_17_7(string arch, string profile, string store, string before, string tlbi, string after)
    {
        var r = Cli.Run("map", "--arch", arch, "--profile", profile, "--mfn", "1", "--unmap", "--json");
        Assert.Equal(0, r.Code);
        // write_pte(0), then flush_xen_tlb_range_va_local: one TLBI (the repeat is never patched in before PMAP runs).
        Assert.Equal(new[] { "dsb sy", store, "dsb sy", before, tlbi, after, "isb" }, Ops(r, 1));
    }

    [Theory]
    [InlineData("arm64", "xen-4.17.7", 1)]
    [InlineData("arm64", "xen-4.18.3", 1)]
    [InlineData("arm64", "xen-4.19.0", 1)]
    [InlineData("arm64", "xen-4.18.4", 0)]
    [InlineData("arm64", "xen-4.19.1", 0)]
    [InlineData("arm64", "xen-4.20.0", 0)]
    [InlineData("arm32", "xen-4.18.3", 1)]
    [InlineData("arm32", "xen-4.19.0", 1)]
    [InlineData("arm32", "xen-4.18.4", 0)]
    [InlineData("arm32", "xen-4.19.1", 0)]
    public void Eight_maps_and_the_reverse_unmap_hit_the_BUG_ON_until_FIXADDR_TOP_is_fixed(string arch, string profile, int code)
    {
        var r = Cli.Run(["map", "--arch", arch, "--profile", profile, .. EightFrames, "--unmap", "--json"]);
        Assert.Equal(code, r.Code);
        if (code == 0) Assert.Equal(16, r.Json.GetProperty("steps").GetArrayLength());
        else Assert.Equal("virt_to_fix", r.Json.GetProperty("error").GetProperty("where").GetString());
        r.AssertNoStackTrace();
    }

    public static TheoryData<string, string, bool> IsbCases()
    {
        var data = new TheoryData<string, string, bool>();
        foreach (var arch in new[] { "arm64", "arm32" })
        {
            foreach (var z in Enumerable.Range(0, 8)) data.Add(arch, $"xen-4.17.{z}", false);
            foreach (var p in new[] { "xen-4.17", "seed-v3" }) data.Add(arch, p, false);
            foreach (var p in new[] { "xen-4.18.0", "xen-4.18.6", "xen-4.19.0", "xen-4.21.1", "xen-4.22.0", "upstream" }) data.Add(arch, p, true);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(IsbCases))]
    public void The_isb_after_the_PMAP_store_is_in_every_release_from_4_18_0(string arch, string profile, bool isb)
    {
        var r = Cli.Run("map", "--arch", arch, "--profile", profile, "--mfn", "1", "--json");
        Assert.Equal(0, r.Code);
        Assert.Equal(isb, Ops(r, 0)[^1] == "isb");
    }

    [Fact]
    public void Versions_lists_every_arm64_release_each_fact_with_its_commit()
    {
        var r = Cli.Run("versions", "--arch", "arm64", "--json");
        Assert.Equal(0, r.Code);
        Assert.Equal("xen-4.22.0", r.Json.GetProperty("defaultProfile").GetString());
        var rows = r.Json.GetProperty("releases").EnumerateArray().ToDictionary(x => x.GetProperty("release").GetString()!);
        var expected = new[] { (417, 7), (418, 6), (419, 6), (420, 4), (421, 2), (422, 0) }
            .SelectMany(b => Enumerable.Range(0, b.Item2 + 1).Select(z => $"4.{b.Item1 % 100}.{z}")).Append("upstream");
        Assert.Equal(expected, rows.Keys);
        foreach (var row in rows.Values)
            Assert.All(row.GetProperty("facts").EnumerateArray(), f => Assert.Matches("^[0-9a-f]{12}$", f.GetProperty("commit").GetString()));

        string Cell(string release, string fact) => Fact(rows[release], fact).Value;
        (string Value, string Commit) Fact(System.Text.Json.JsonElement row, string fact)
        {
            var f = row.GetProperty("facts").EnumerateArray().Single(x => x.GetProperty("fact").GetString() == fact);
            return (f.GetProperty("value").GetString()!, f.GetProperty("commit").GetString()!);
        }
        Assert.Equal(("fixed", "87d2cdd51327"), Fact(rows["4.18.4"], "FIXADDR_TOP"));
        Assert.Equal("off by one", Cell("4.19.0", "FIXADDR_TOP"));
        Assert.Equal(("fixed", "46a2ce35212c"), Fact(rows["4.19.1"], "FIXADDR_TOP"));
        Assert.Equal(("dsb nshst; tlbi vae2; dsb nsh; isb", "333c263bbad5"), Fact(rows["4.17.7"], "unmap flush"));
        Assert.Equal("dsb sy; tlbi vae2; dsb sy; isb", Cell("4.17.6", "unmap flush"));
        Assert.Equal(("present", "cbfaf6ccd2cb"), Fact(rows["4.21.1"], "repeat-TLBI workaround"));
        Assert.Equal("absent", Cell("4.21.2", "repeat-TLBI workaround"));
        Assert.Equal(("no", "4f17357b52f6"), Fact(rows["4.17.7"], "isb after PMAP store"));
        Assert.Equal(("0x20000a00000", "abb1522832bb"), Fact(rows["4.18.0"], "fixmap base"));
        Assert.Equal("0xa0000a00000", Cell("4.19.0", "fixmap base"));
        Assert.Equal(("FIX_*", "0441c3acc7e9"), Fact(rows["4.19.0"], "enum spelling"));
        Assert.Equal("c447b7308b13", rows["upstream"].GetProperty("commit").GetString());
    }

    [Fact]
    public void Versions_renders_a_table_with_aliases()
    {
        var r = Cli.Run("versions", "--arch", "arm32");
        Assert.Equal(0, r.Code);
        Assert.Contains("xen-4.17 = xen-4.17.7", r.Out);
        Assert.Contains("TLBIMVAH", r.Out);
        Assert.DoesNotContain("repeat-TLBI", r.Out); // arm64 only
    }
}
