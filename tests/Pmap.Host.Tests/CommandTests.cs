using System.Text.Json;

namespace Pmap.Host.Tests;

/// <summary>Every command, for every architecture the plugins folder provides, against docs/CLI.md's JSON shape.</summary>
public class CommandTests
{
    public static IEnumerable<object[]> Architectures() => Cli.Architectures();

    private static void AssertHex(JsonElement e, string name)
    {
        var s = e.GetProperty(name).GetString();
        Assert.NotNull(s);
        Assert.StartsWith("0x", s);
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Layout(string arch)
    {
        var r = Cli.Run("layout", "--arch", arch, "--json");
        Assert.Equal(0, r.Code);
        var j = r.Json;
        Assert.Equal(arch, j.GetProperty("arch").GetString());
        AssertHex(j, "fixaddrStart");
        AssertHex(j, "fixaddrTop");
        Assert.Contains(j.GetProperty("slotDirection").GetString(), new[] { "up", "down" });
        var begin = j.GetProperty("pmapBegin").GetInt32();
        var n = j.GetProperty("numFixPmap").GetInt32();
        Assert.Equal(8, n);
        var slots = j.GetProperty("slots").EnumerateArray().ToList();
        Assert.All(slots, s => Assert.StartsWith("0x", s.GetProperty("va").GetString()));
        Assert.All(slots.Skip(begin).Take(n), s => Assert.NotNull(s.GetProperty("table").GetString()));
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Map_and_unmap(string arch)
    {
        var r = Cli.Run("map", "--arch", arch, "--mfn", "0x12345", "--unmap", "--json");
        Assert.Equal(0, r.Code);
        var steps = r.Json.GetProperty("steps").EnumerateArray().ToList();
        Assert.Equal(new[] { "map", "unmap" }, steps.Select(s => s.GetProperty("op").GetString()));
        AssertHex(steps[0], "pte");
        AssertHex(steps[0], "va");
        Assert.Equal(steps[0].GetProperty("va").GetString(), steps[1].GetProperty("va").GetString());
        Assert.Contains(steps[0].GetProperty("events").EnumerateArray(), e => e.GetProperty("kind").GetString() == "pte-write");
        Assert.Contains(steps[1].GetProperty("events").EnumerateArray(), e => e.GetProperty("kind").GetString() == "tlb-flush");
        Assert.Equal(JsonValueKind.Null, r.Json.GetProperty("error").ValueKind);
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Decode_what_map_wrote(string arch)
    {
        var pte = Cli.Run("map", "--arch", arch, "--mfn", "0x12345", "--json").Json.GetProperty("steps")[0].GetProperty("pte").GetString()!;
        var r = Cli.Run("decode", "--arch", arch, pte, "--json");
        Assert.Equal(0, r.Code);
        Assert.Equal("page", r.Json.GetProperty("kind").GetString());
        Assert.True(r.Json.GetProperty("valid").GetBoolean());
        Assert.Equal("0x12345000", r.Json.GetProperty("outputAddress").GetString());
        Assert.All(r.Json.GetProperty("fields").EnumerateArray(), f => Assert.Matches(@"^\d+(:\d+)?$", f.GetProperty("bits").GetString()));
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Translate_a_pmap_slot_and_an_unmapped_va(string arch)
    {
        var va = Cli.Run("map", "--arch", arch, "--mfn", "0x12345", "--json").Json.GetProperty("steps")[0].GetProperty("va").GetString()!;
        var r = Cli.Run("translate", "--arch", arch, "--va", va, "--mfn", "0x12345", "--json");
        Assert.Equal(0, r.Code);
        Assert.Equal("0x12345000", r.Json.GetProperty("pa").GetString());
        Assert.Equal(JsonValueKind.Null, r.Json.GetProperty("fault").ValueKind);
        Assert.NotEmpty(r.Json.GetProperty("levels").EnumerateArray());
        Assert.Equal("page", r.Json.GetProperty("leaf").GetProperty("kind").GetString()); // the leaf's attributes, decoded

        var fault = Cli.Run("translate", "--arch", arch, "--va", va, "--json"); // nothing mapped there
        Assert.Equal(0, fault.Code);
        Assert.Equal(JsonValueKind.Null, fault.Json.GetProperty("pa").ValueKind);
        Assert.Equal("invalid entry", fault.Json.GetProperty("fault").GetProperty("reason").GetString());
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Boot_verifies_every_page(string arch)
    {
        var r = Cli.Run("boot", "--arch", arch, "--json");
        Assert.Equal(0, r.Code);
        var j = r.Json;
        Assert.Equal(JsonValueKind.Null, j.GetProperty("error").ValueKind);
        Assert.Equal(0, j.GetProperty("pmapSlotsInUseAfter").GetInt32());
        Assert.True(j.GetProperty("verifiedPages").GetUInt64() > 0);
        Assert.Equal(j.GetProperty("directmap").GetProperty("pages").GetUInt64(), j.GetProperty("verifiedPages").GetUInt64());
        Assert.True(j.GetProperty("mappings").TryGetProperty("4K", out _));
        Assert.True(j.GetProperty("mappings").TryGetProperty("contiguous", out _));
    }

    [Theory]
    [InlineData("arm64", "2T", 1UL << 29, 2048L)]
    [InlineData("x86", "16T", 1UL << 32, 16384L)]
    public void A_terabyte_boot_verifies_each_leaf_once_and_reports_every_page(string arch, string size, ulong pages, long gigaLeaves)
    {
        // 16 TiB is 2^32 pages but, aligned, 16384 leaves of 1 GiB: seconds only if the check follows the leaves. Arm64 Xen's
        // frame table (FRAMETABLE_SIZE 32 GiB) covers about 2.3 TiB, so it boots 2 TiB (2^29 pages, 2048 leaves).
        var started = System.Diagnostics.Stopwatch.StartNew();
        var r = Cli.Run("boot", "--arch", arch, "--ram-size", size, "--json");
        Assert.Equal(0, r.Code);
        var j = r.Json;
        Assert.Equal((pages, gigaLeaves), (j.GetProperty("verifiedPages").GetUInt64(), j.GetProperty("mappings").GetProperty("1G").GetInt64()));
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(30), $"took {started.Elapsed}");
    }

    [Fact]
    public void Boot_verify_every_page_reports_what_the_per_leaf_check_reports()
    {
        string[] boot = ["boot", "--arch", "arm64", "--ram-size", "1G", "--ram-base", "0x40010000", "--json"];
        var perLeaf = Cli.Run(boot);
        var perPage = Cli.Run([.. boot, "--verify-every-page"]);
        Assert.Equal((0, 0), (perLeaf.Code, perPage.Code));
        Assert.Equal(perPage.Out, perLeaf.Out);
    }

    [Fact]
    public void Compare_shows_every_architecture()
    {
        var names = Architectures().Select(a => (string)a[0]).ToList();
        var r = Cli.Run("compare", "--json");
        Assert.Equal(0, r.Code);
        Assert.Equal("0x12345", r.Json.GetProperty("mfn").GetString());
        var archs = r.Json.GetProperty("architectures").EnumerateArray().ToList();
        Assert.Equal(names.Order(), archs.Select(a => a.GetProperty("arch").GetString()!).Order());
        Assert.Equal("arm64", archs[0].GetProperty("arch").GetString()); // the default architecture leads
        foreach (var a in archs)
        {
            Assert.NotEmpty(a.GetProperty("mapOps").EnumerateArray());
            Assert.True(a.GetProperty("flushOnUnmap").GetBoolean());
            AssertHex(a, "pte");
            Assert.Equal(8, a.GetProperty("pmapSlots").GetArrayLength());
        }
        var human = Cli.Run("compare");
        Assert.Equal(0, human.Code);
        Assert.Contains("arch_pmap_unmap", human.Out);
    }

    [Fact]
    public void Config_shows_values_and_their_sources()
    {
        var file = Path.GetTempFileName();
        File.WriteAllText(file, """{"NumFixPmap": 12}""");
        var r = Cli.Run("config", "--config", file, "--json");
        Assert.Equal(0, r.Code);
        var num = r.Json.GetProperty("settings").EnumerateArray().Single(s => s.GetProperty("key").GetString() == "NumFixPmap");
        Assert.Equal("12", num.GetProperty("value").GetString());
        Assert.Contains(Path.GetFileName(file), num.GetProperty("source").GetString());
    }

    [Fact]
    public void Help_and_version()
    {
        foreach (var cmd in new[] { "layout", "map", "decode", "translate", "compare", "boot", "config" })
        {
            var r = Cli.Run(cmd, "--help");
            Assert.Equal(0, r.Code);
            Assert.Contains("Examples:", r.Out);
        }
        var v = Cli.Run("--version");
        Assert.Equal(0, v.Code);
        Assert.Matches(@"^\d+\.\d+\.\d+", v.Out.Trim());
    }
}
