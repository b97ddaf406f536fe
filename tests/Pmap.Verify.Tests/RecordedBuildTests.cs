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

    /// <summary>RealBuilds/xen-NAME.json, or xen-NAME-arm32.json for arm32's builds.</summary>
    internal static XenBuildRecord Load(string name, string arch = "arm64")
    {
        var path = Path.Combine(AppContext.BaseDirectory, "RealBuilds", arch == "arm64" ? $"xen-{name}.json" : $"xen-{name}-{arch}.json");
        return XenBuildRecord.Parse(File.ReadAllText(path), path);
    }

    internal static RecordedBuildComparison Compare(string name, bool recordedSymbols = true, string arch = "arm64") =>
        RecordedBuildCheck.Compare(Models.Architecture(arch), Load(name, arch), recordedSymbols: recordedSymbols);

    internal static ulong Number(string hex) => Convert.ToUInt64(hex, 16);

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
    /// With the whole boot modelled (from 4.18 the boot tables, switch_ttbr and the runtime identity map's tables; early_fdt_map;
    /// setup_directmap_mappings; setup_frametable_mappings, from 4.22 init_frametable; the VMAP, from 4.19 set up in early boot)
    /// every entry is Xen's but for leaves that differ only in their frame: pages Xen took from its heap (dom0's maptrack, from 4.22
    /// also the VMAP bitmap page vm_alloc adds), which the model cannot know without Xen's heap allocator.
    /// </summary>
    [Theory]
    [MemberData(nameof(BuildsWithAndWithoutSymbols))]
    public void Only_heap_frames_differ(string name, bool recordedSymbols)
    {
        var c = Compare(name, recordedSymbols);
        Assert.DoesNotContain(c.Tables.Differences, d => !d.FrameOnly);
        // grant_table_init's vzalloc of dom0's maptrack: two alloc_domheap_page frames in the VMAP's third-level table.
        Assert.Equal(["table@0xbfff4000[381]", "table@0xbfff4000[382]"], c.Tables.Differences.Select(d => $"{d.Table}[{d.Index}]"));
        // ... each equal in every bit but a frame Xen's heap could hand out: verify's verdict is agreement.
        Assert.All(c.Tables.Differences, d => Assert.True(d.HeapChose, d.NotAHeapFrame));
        Assert.True(c.Tables.Agrees);
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
    /// Xen's PMAP calls are the model's, call for call: from 4.18 switch_ttbr's identity map first (on the boot tables, then on the
    /// runtime ones), from 4.20 after early_fdt_map on the boot tables; then the boot FDT, the directmap, the frame table; from
    /// 4.19 vm_init, now in early boot.
    /// </summary>
    [Theory]
    [InlineData("4.17.7-debian", 102)]
    [InlineData("4.18.6", 118)]
    [InlineData("4.19.6", 186)]
    [InlineData("4.20.4", 192)]
    [InlineData("4.21.2", 192)]
    [InlineData("4.22.0", 192)]
    [InlineData("upstream", 192)]
    public void The_models_pmap_calls_are_xens(string name, int calls)
    {
        var p = Compare(name).Pmap;
        Assert.Equal((calls, calls, 0), (p.Real.Count, p.Model.Count, p.ModelRunAt));
        Assert.Equal(p.Real, p.Model);
        Assert.Equal([66, 67], p.RealSlots);
    }
}
