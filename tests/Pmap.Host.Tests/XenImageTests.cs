namespace Pmap.Host.Tests;

/// <summary>
/// Xen's image as 4.17's setup_pagetables maps it (arch/arm/mm.c:463, loop 486–503), with the static tables where Debian's
/// 4.17.7+13 arm64 linker put them (xen-syms: xen_fixmap 0x297000, xen_xenmap 0x328000, xen_second 0x329000,
/// xen_first 0x32a000, xen_pgtable 0x32b000; loaded at 0x40200000, so PA = link address + 0x40000000).
/// </summary>
public class XenImageTests
{
    private static readonly string[] Arm417 = ["--arch", "arm64", "--profile", "xen-4.17"];

    private static System.Text.Json.JsonElement Level(CliResult r, int level) =>
        r.Json.GetProperty("levels").EnumerateArray().Single(l => l.GetProperty("level").GetInt32() == level);

    [Fact]
    public void The_4_17_7_tables_sit_where_Debians_linker_put_them()
    {
        // FIXMAP_ADDR(0) = 0x400000: xen_pgtable[0] -> xen_first[0] -> xen_second[2] = xen_fixmap | MT_NORMAL table link:
        // 0x40297000 | valid 1 | table 2 | AttrIndx 7 << 2 | NS 0x20 | AP[1] 0x40 | SH inner 0x300 | AF 0x400 | nG 0x800 | XN 1 << 54.
        var r = Cli.Run([.. Arm417, "translate", "--va", "0x400000", "--ram-size", "2G", "--json"]);
        Assert.Equal(0, r.Code);
        Assert.Equal("0x4032b000", Level(r, 0).GetProperty("table").GetString());
        Assert.Equal("0x4032a000", Level(r, 1).GetProperty("table").GetString());
        Assert.Equal("0x40329000", Level(r, 2).GetProperty("table").GetString());
        Assert.Equal(2, Level(r, 2).GetProperty("index").GetInt32());
        Assert.Equal(0x0040000040297f7fUL, Convert.ToUInt64(Level(r, 2).GetProperty("entry").GetString(), 16));
        Assert.Equal("0x40297000", Level(r, 3).GetProperty("table").GetString());
    }

    [Theory]
    // text (_stext 0x200000 .. _etext 0x27476c; the page holding _etext is still text): PA | 0xfff, AP[2] set, XN clear.
    [InlineData("0x200000", 0x0000000040200fffUL)]
    [InlineData("0x274000", 0x0000000040274fffUL)]
    // rodata (_srodata 0x275000 .. _erodata 0x292aac): PA | 0xfff | XN.
    [InlineData("0x275000", 0x0040000040275fffUL)]
    [InlineData("0x292000", 0x0040000040292fffUL)]
    // data (__ro_after_init, .data with xen_fixmap): RW, XN = PA | 0xf7f | XN, as MT_NORMAL leaves it.
    [InlineData("0x293000", 0x0040000040293f7fUL)]
    // init text (_sinittext 0x2a1000 .. _einittext 0x2bb660) is executable read-only again; after it, RW.
    [InlineData("0x2a1000", 0x00000000402a1fffUL)]
    [InlineData("0x2bb000", 0x00000000402bbfffUL)]
    [InlineData("0x2bc000", 0x00400000402bcf7fUL)]
    // the last page: _end 0x3360c8, so entry 310 maps 0x336000 and nothing beyond.
    [InlineData("0x336000", 0x0040000040336f7fUL)]
    public void Each_xen_xenmap_entry_has_its_sections_permissions(string va, ulong entry)
    {
        var r = Cli.Run([.. Arm417, "translate", "--va", va, "--json"]);
        Assert.Equal(0, r.Code);
        Assert.Equal("0x40328000", Level(r, 3).GetProperty("table").GetString());
        Assert.Equal(entry, Convert.ToUInt64(Level(r, 3).GetProperty("entry").GetString(), 16));
    }

    [Fact]
    public void Xen_maps_its_image_up_to_end_and_no_further()
    {
        // is_kernel(va) stops the loop at 0x337000: 311 entries (0x137 pages), the 312th stays 0.
        var r = Cli.Run([.. Arm417, "translate", "--va", "0x337000", "--json"]);
        Assert.Equal(0, r.Code);
        Assert.Equal(3, r.Json.GetProperty("fault").GetProperty("level").GetInt32());
        Assert.Equal(311, Level(r, 3).GetProperty("index").GetInt32());
    }

    [Fact]
    public void A_System_map_moves_the_tables_to_that_builds_addresses()
    {
        // Debian 4.17.5+72 put xen_fixmap one page lower (0x296000): the same walk then links xen_second[2] to 0x40296000.
        var map = Path.GetTempFileName();
        File.WriteAllLines(map,
        [
            "0x200000 T _start", "0x200000 T _stext", "0x273efc T _etext", "0x274000 R _srodata", "0x291694 R _erodata",
            "0x296000 D xen_fixmap", "0x2a0000 T _sinittext", "0x2ba6a0 T _einittext", "0x328000 b mm.c#xen_xenmap",
            "0x329000 b mm.c#xen_second", "0x32a000 b mm.c#xen_first", "0x32b000 b mm.c#xen_pgtable", "0x3360c8 B _end",
        ]);
        var r = Cli.Run([.. Arm417, "translate", "--va", "0x400000", "--xen-syms", map, "--json"]);
        File.Delete(map);
        Assert.Equal(0, r.Code);
        Assert.Equal(0x0040000040296f7fUL, Convert.ToUInt64(Level(r, 2).GetProperty("entry").GetString(), 16));
    }

    [Theory]
    [InlineData("no such file")]
    [InlineData("")]
    [InlineData("\u007fELF, cut short")]
    public void A_bad_symbols_file_is_one_line_and_exit_3(string content)
    {
        var map = Path.Combine(Path.GetTempPath(), "pmap-syms-" + Guid.NewGuid().ToString("n"));
        if (content.Length == 0) File.WriteAllText(map, "not a symbol line\n");
        if (content.StartsWith('\u007f')) File.WriteAllText(map, content);
        var r = Cli.Run([.. Arm417, "boot", "--xen-syms", map]);
        if (File.Exists(map)) File.Delete(map);
        Assert.Equal(3, r.Code);
        Assert.StartsWith("pmap: --xen-syms: ", r.Err, StringComparison.Ordinal);
        Assert.Single(r.Err.TrimEnd().Split('\n'));
        r.AssertNoStackTrace();
    }

    [Fact]
    public void Table_offsets_from_configuration_are_checked_against_each_other()
    {
        // Two tables on one page would make setup_pagetables write one over the other: the linker never does that.
        var env = new Dictionary<string, string> { ["PMAP_ARCHITECTURES__ARM64__TABLES__XEN_SECOND"] = "0x128000" };
        var r = Cli.Process(env, [.. Arm417, "layout"]);
        Assert.Equal(3, r.Code);
        Assert.Contains("Architectures:arm64:Tables:", r.Err, StringComparison.Ordinal);
        Assert.Contains("overlaps", r.Err, StringComparison.Ordinal);
    }

    /// <summary>The xen-syms ELF itself: its symbol table has the static tables 4.17.7's System.map lacks, at the same addresses.</summary>
    [XenSymsFact]
    public void The_xen_syms_elf_places_the_tables_as_the_built_in_build_does()
    {
        var r = Cli.Run([.. Arm417, "translate", "--va", "0x400000", "--xen-syms", XenSymsFactAttribute.Syms!, "--json"]);
        Assert.Equal(0, r.Code);
        Assert.Equal(("0x4032b000", "0x4032a000", "0x40329000"), (Level(r, 0).GetProperty("table").GetString(),
            Level(r, 1).GetProperty("table").GetString(), Level(r, 2).GetProperty("table").GetString()));
        Assert.Equal(0x0040000040297f7fUL, Convert.ToUInt64(Level(r, 2).GetProperty("entry").GetString(), 16));
    }
}
