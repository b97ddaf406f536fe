using Pmap.Verify.RealXen;

namespace Pmap.Verify.Tests;

/// <summary>
/// Each release profile held to a real build of its release, as tools/xen-releases/record.sh recorded it (RealBuilds/: Xen
/// cross-built at the tag with Debian's gcc, defconfig, booted under QEMU by `pmap verify --xen-image --record`), with no QEMU:
/// the model, laid out by the build's symbols, boots the same RAM and is compared as a live run compares it.
/// </summary>
public class RecordedBuildTests
{
    /// <summary>Debian's 4.17.7 (the one examined before) and the newest z-release of each branch since, and upstream.</summary>
    private static readonly string[] Names = ["4.17.7-debian", "4.18.6", "4.19.6", "4.20.4", "4.21.2", "4.22.0", "upstream"];

    public static TheoryData<string> Builds => [.. Names];

    /// <summary>Each build, the model laid out by its recorded symbols and by its profile alone.</summary>
    public static TheoryData<string, bool> BuildsWithAndWithoutSymbols
    {
        get
        {
            var data = new TheoryData<string, bool>();
            foreach (var n in Names) data.Add(n, true);
            foreach (var n in Names) data.Add(n, false);
            return data;
        }
    }

    internal static XenBuildRecord Load(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "RealBuilds", $"xen-{name}.json");
        return XenBuildRecord.Parse(File.ReadAllText(path), path);
    }

    private static RecordedBuildComparison Compare(string name, bool recordedSymbols = true) =>
        RecordedBuildCheck.Compare(Models.Architecture("arm64"), Load(name), recordedSymbols: recordedSymbols);

    private static ulong Number(string hex) => Convert.ToUInt64(hex, 16);

    /// <summary>
    /// With no symbols the profile lays Xen's image out as its release's build did (Arm64Builds): every static table where the
    /// recorded xen-syms put it, and the image up to _end.
    /// </summary>
    [Theory]
    [MemberData(nameof(Builds))]
    public void The_profile_alone_places_the_tables_where_its_build_did(string name)
    {
        var r = Load(name);
        var model = Models.Model("arm64", r.Profile);
        var (load, start) = (Number(r.LoadAddress), Number(r.Symbols["_start"]));
        Assert.Equal(load, model.Image.Load.Value);
        Assert.All(model.Image.Tables, t => Assert.Equal(load + Number(r.Symbols[t.Name]) - start, t.Address.Value));
        Assert.Equal((Number(r.Symbols["_end"]) - start + 0xfff) & ~0xfffUL, model.Image.Bank.Size);
    }

    private static bool Is417(string name) => name.StartsWith("4.17", StringComparison.Ordinal);

    /// <summary>The version each build wrote (its EFI loader banner) named its profile; the records say which tag and commit.</summary>
    [Theory]
    [MemberData(nameof(Builds))]
    public void Each_build_named_its_own_profile(string name)
    {
        var r = Load(name);
        var release = name == "upstream" ? "upstream" : name.Split('-')[0];
        Assert.Equal(release == "upstream" ? "4.23-unstable" : release, r.Version);
        Assert.Equal(release == "upstream" ? "upstream" : "xen-" + release, r.Profile);
        var tag = r.Build!.Value.GetProperty("ref").GetString();
        Assert.Equal(name == "upstream" ? "master" : Is417(name) ? "Debian xen-hypervisor-4.17-arm64 4.17.7+13-g2445b30a44-0+deb12u1"
            : "RELEASE-" + name, tag);
    }

    /// <summary>Xen's static tables pair with the model's at the build's own addresses, the root in TTBR0_EL2.</summary>
    [Theory]
    [MemberData(nameof(Builds))]
    public void The_static_tables_pair_at_the_builds_addresses(string name)
    {
        var c = Compare(name);
        var load = Convert.ToUInt64(c.Record.LoadAddress, 16);
        var start = Convert.ToUInt64(c.Record.Symbols["_start"], 16);
        foreach (var table in new[] { "xen_pgtable", "xen_first", "xen_second", "xen_fixmap" })
        {
            var pair = c.Tables.Pairs.Single(p => p.Table == table);
            Assert.Equal(load + Convert.ToUInt64(c.Record.Symbols[table], 16) - start, pair.Real.Value);
            Assert.Equal(pair.Real, pair.Model);
        }
        Assert.Equal(Convert.ToUInt64(c.Record.Root, 16), c.Tables.Pairs[0].Real.Value);
    }

    /// <summary>
    /// With the whole boot modelled (early_fdt_map, setup_directmap_mappings, setup_frametable_mappings, the VMAP), what still
    /// differs is what the model does not make: from 4.18 xen_pgtable[0], the runtime identity map's tables (xen_first_id and
    /// below, left linked); from 4.22 xen_first[32], the frame table init_frametable makes (10d417b8b6, not modelled); and
    /// leaves that differ only in their frame, pages Xen took from its heap (dom0's maptrack, from 4.22 also the VMAP bitmap),
    /// which the model cannot know without Xen's heap allocator.
    /// </summary>
    [Theory]
    [MemberData(nameof(BuildsWithAndWithoutSymbols))]
    public void Only_what_the_model_does_not_make_differs(string name, bool recordedSymbols)
    {
        var c = Compare(name, recordedSymbols);
        var newFrameTable = name is "4.22.0" or "upstream";
        string[] expected = Is417(name) ? [] : newFrameTable ? ["xen_first[32]", "xen_pgtable[0]"] : ["xen_pgtable[0]"];
        var whole = c.Tables.Differences.Where(d => !d.FrameOnly).Select(d => $"{d.Table}[{d.Index}]").Order(StringComparer.Ordinal);
        Assert.Equal(expected, whole);
        Assert.All(c.Tables.Differences.Where(d => !d.FrameOnly), d => Assert.Equal(0UL, d.Model));
        Assert.Equal(newFrameTable ? 3 : 2, c.Tables.Differences.Count(d => d.FrameOnly));
    }

    /// <summary>
    /// Debian's 4.17.7 (2 GiB): verify's verdict is agreement. Every entry is equal but dom0's two maptrack pages
    /// (grant_table_init's vzalloc, after the boot's xmallocs), equal in every bit but the frame Xen's heap chose, a frame of
    /// RAM outside Xen's image, the FDT's block and the table pages; vm_init's bitmap page is Xen's own (0xbfffd000).
    /// </summary>
    [Fact]
    public void Xen_4_17_7_agrees_but_for_the_frames_its_heap_chose()
    {
        var c = Compare("4.17.7-debian");
        Assert.True(c.Tables.Agrees);
        Assert.Equal(["grant_table_init", "grant_table_init"], c.Tables.Differences.Select(d => d.Mapping!.Function));
        Assert.All(c.Tables.Differences, d => Assert.True(d.HeapChose, d.NotAHeapFrame));
        Assert.DoesNotContain(c.Tables.Differences, d => d.Va == 0x4000_0000);
        Assert.True(c.Pmap.Equal);
    }

    /// <summary>
    /// 4.17.7: Xen's 102 PMAP calls are the model's, call for call. Later releases first map the runtime identity map through
    /// PMAP (not modelled: 16 calls in 4.18 and 4.19, 22 from 4.20), then make the model's calls in order and unbroken (102 in
    /// all: the boot FDT, the directmap, the frame table; 16 from 4.22, whose init_frametable is not modelled). The real calls
    /// after the model's run (none in 4.18, 68 in 4.19 to 4.21, 154 from 4.22) are not modelled yet.
    /// </summary>
    [Theory]
    [InlineData("4.17.7-debian", 102, 102, 0)]
    [InlineData("4.18.6", 118, 102, 16)]
    [InlineData("4.19.6", 186, 102, 16)]
    [InlineData("4.20.4", 192, 102, 22)]
    [InlineData("4.21.2", 192, 102, 22)]
    [InlineData("4.22.0", 192, 16, 22)]
    [InlineData("upstream", 192, 16, 22)]
    public void The_models_pmap_calls_are_an_unbroken_run_of_xens(string name, int calls, int modelCalls, int runAt)
    {
        var p = Compare(name).Pmap;
        Assert.Equal((calls, modelCalls, runAt), (p.Real.Count, p.Model.Count, p.ModelRunAt));
        Assert.Equal(Is417(name), p.Real.SequenceEqual(p.Model));
        Assert.Equal([66, 67], p.RealSlots);
    }
}
