namespace Pmap.Host.Tests;

/// <summary>`pmap dump`: the hypervisor's address space after the default boot, as ranges.</summary>
public class DumpTests
{
    /// <summary>
    /// arm64 default boot, 2 GiB at 0x40000000 (newest release): Xen's image (Debian's 4.17.7 build, its tables moved up the
    /// 3 extra xen_xenmap pages of 4.18+: _end at 0x1390c8, 314 pages) is 4K pages at XEN_VIRT_START (0x00000a0000200000 =
    /// slot 20 &lt;&lt; 39 + 2 MiB) from its load address 0x40200000, by section: text 0..0x7476c (117 pages, RX), rodata
    /// 0x75000..0x92aac (30, RO), data (14, RW), init text 0xa1000..0xbb660 (27, RX), the rest (126, RW); the directmap is RAM
    /// in two 1 GiB level-1 blocks at DIRECTMAP_VIRT_START (slot 256 &lt;&lt; 39 = 0x800000000000), PA 0x40000000..0xc0000000.
    /// </summary>
    [Fact]
    public void Arm64_boot_lists_the_image_and_the_two_directmap_blocks()
    {
        var doc = Cli.Run("dump", "--arch", "arm64", "--json").Json;
        var ranges = doc.GetProperty("ranges").EnumerateArray().ToList();
        Assert.Equal(14, ranges.Count);
        // The recorded RELEASE-4.22.0 build (RealBuilds/xen-4.22.0.json): _etext 0x756e0, rodata 0x76000-0x96d14, init text
        // 0xa7000-0xc3fe0, _end 0x14c000, offsets from _start; the page holding a section's end takes that section's rights.
        Assert.Equal(("0xa0000200000", "0x40200000", "0x76000", "4K", 118L, "xen image"), Fields(ranges[0]));
        Assert.Equal(("0xa0000276000", "0x40276000", "0x21000", "4K", 33L, "xen image"), Fields(ranges[1]));
        Assert.Equal(("0xa0000297000", "0x40297000", "0x10000", "4K", 16L, "xen image"), Fields(ranges[2]));
        Assert.Equal(("0xa00002a7000", "0x402a7000", "0x1d000", "4K", 29L, "xen image"), Fields(ranges[3]));
        Assert.Equal(("0xa00002c4000", "0x402c4000", "0x88000", "4K", 136L, "xen image"), Fields(ranges[4]));
        Assert.Equal([false, false, true, false, true], ranges.Take(5).Select(r => r.GetProperty("write").GetBoolean()));
        Assert.Equal([true, false, false, true, false], ranges.Take(5).Select(r => r.GetProperty("execute").GetBoolean()));
        // start_xen's other mappings (XEN_FACTS §3.8a): early_fdt_map's read-only 2 MiB block of the device tree QEMU loads at
        // 0x48000000, at BOOT_FDT_VIRT_START (FIXMAP_VIRT_START + 2 MiB from 4.18); then the VMAP at 1 GiB above XEN_VIRT_START's
        // slot: vm_init's bitmap page (in early boot from 4.19), the PL011 (0x9000000) and the GICv3 distributor (0x8000000, 64 KiB) and redistributors
        // ioremapped MT_DEVICE_nGnRE, dom0's two maptrack pages.
        Assert.Equal(("0xa0000c00000", "0x48000000", "0x200000", "2M", 1L, "BOOT_FDT_VIRT_START"), Fields(ranges[5]));
        Assert.False(ranges[5].GetProperty("write").GetBoolean());
        Assert.Equal(("0xa0040009000", "0x9000000", "0x1000", "4K", 1L, "VMAP_VIRT_START"), Fields(ranges[7]));
        Assert.Equal(("0xa004000b000", "0x8000000", "0x10000", "4K", 16L, "VMAP_VIRT_START"), Fields(ranges[8]));
        Assert.All(ranges.Skip(6).Take(6), r => Assert.Equal("VMAP_VIRT_START", r.GetProperty("region").GetString()));
        Assert.DoesNotContain(ranges, r => r.GetProperty("region").GetString() == "other");
        Assert.All(ranges.Skip(7).Take(3), r => Assert.Equal("MT_DEVICE_nGnRE", r.GetProperty("memoryType").GetString()));
        // init_frametable's one chunk (10d417b8b6): 28 MiB of page_info at FRAMETABLE_VIRT_START, 2 MiB aligned (as the recorded
        // 4.22.0 build's xen_first[32] table has it).
        Assert.Equal(("0xa0800000000", "0xbe200000", "0x1c00000", "2M", 14L, "FRAMETABLE_VIRT_START"), Fields(ranges[12]));
        var direct = ranges[13];
        Assert.Equal(("0x800000000000", "0x40000000", "0x80000000", "1G", 2L, "directmap"), Fields(direct));
        Assert.Equal("MT_NORMAL", direct.GetProperty("memoryType").GetString());
        Assert.True(direct.GetProperty("write").GetBoolean());
        Assert.False(direct.GetProperty("execute").GetBoolean());
    }

    /// <summary>
    /// 4.17 at 2 GiB: asm/config.h's regions named and marked. BOOT_FDT_VIRT_START 0x600000, VMAP_VIRT_START GB(1) (vm_init's
    /// bitmap page, the devices, the maptrack), FRAMETABLE_VIRT_START GB(32) (setup_frametable_mappings' 14 2 MiB blocks),
    /// DIRECTMAP_VIRT_START SLOT0(256); nothing left as "other".
    /// </summary>
    [Fact]
    public void Arm64_4_17_names_the_fdt_vmap_frametable_and_directmap_regions()
    {
        var r = Cli.Run("dump", "--arch", "arm64", "--profile", "xen-4.17", "--ram-size", "2G", "--json");
        Assert.Equal(0, r.Code);
        var ranges = r.Json.GetProperty("ranges").EnumerateArray().ToList();
        string RegionAt(string va) => ranges.Single(x => x.GetProperty("va").GetString() == va).GetProperty("region").GetString()!;
        Assert.Equal("BOOT_FDT_VIRT_START", RegionAt("0x600000"));
        Assert.Equal("VMAP_VIRT_START", RegionAt("0x40000000"));
        Assert.Equal("FRAMETABLE_VIRT_START", RegionAt("0x800000000"));
        Assert.Equal("directmap", RegionAt("0x800000000000"));
        Assert.DoesNotContain(ranges, x => x.GetProperty("region").GetString() == "other");
        var text = Cli.Run("dump", "--arch", "arm64", "--profile", "xen-4.17", "--ram-size", "2G").Out;
        Assert.Contains("---[ 0x0000000000600000 BOOT_FDT_VIRT_START ]---", text, StringComparison.Ordinal);
        Assert.Contains("---[ 0x0000000040000000 VMAP_VIRT_START ]---", text, StringComparison.Ordinal);
        Assert.Contains("---[ 0x0000000800000000 FRAMETABLE_VIRT_START ]---", text, StringComparison.Ordinal);
        Assert.Contains("---[ 0x0000800000000000 DIRECTMAP_VIRT_START ]---", text, StringComparison.Ordinal);
    }

    private static (string?, string?, string?, string?, long, string?) Fields(System.Text.Json.JsonElement r) =>
        (r.GetProperty("va").GetString(), r.GetProperty("pa").GetString(), r.GetProperty("size").GetString(), r.GetProperty("pageSize").GetString(),
            r.GetProperty("leaves").GetInt64(), r.GetProperty("region").GetString());

    /// <summary>The fixmap's named slots as markers: FIX_CONSOLE at FIXADDR_START, the PMAP slots 66..73 (arm64, NUM_FIX_PMAP 8).</summary>
    [Fact]
    public void Arm64_text_marks_the_fixmap_slots_and_a_mapped_pmap_slot()
    {
        var text = Cli.Run("dump", "--arch", "arm64").Out;
        Assert.Contains("---[ 0x00000a0000a00000 fixmap slot 0 FIX_CONSOLE ]---", text);
        Assert.Contains("fixmap slots 66..73 FIX_PMAP (PMAP)", text);
        Assert.Contains("0x0000800000000000-0x0000800080000000     2G directmap", text);
        // After one pmap_map, the first PMAP slot (66, FIX_PMAP_BEGIN) maps MFN 0x12345 as one 4K page.
        var map = Cli.Run("dump", "--arch", "arm64", "--after", "map", "--json").Json.GetProperty("ranges").EnumerateArray()
            .Single(r => r.GetProperty("region").GetString()!.Contains("PMAP", StringComparison.Ordinal));
        Assert.Equal("0x12345000", map.GetProperty("pa").GetString());
        Assert.Equal("fixmap FIX_PMAP[0] (PMAP)", map.GetProperty("region").GetString());
    }

    /// <summary>--tables names every table page: arm64's static tables and the one table the directmap's blocks needed.</summary>
    [Fact]
    public void Arm64_tables_are_named()
    {
        var tables = Cli.Run("dump", "--arch", "arm64", "--tables", "--json").Json.GetProperty("tables").EnumerateArray().ToList();
        Assert.Equal("xen_pgtable", tables[0].GetProperty("name").GetString());
        Assert.Equal(0, tables[0].GetProperty("level").GetInt32());
        Assert.Contains(tables, t => t.GetProperty("name").GetString() == "xen_fixmap" && t.GetProperty("level").GetInt32() == 3);
        // 4.22.0's _end 0x14c000: 332 pages, as many entries as the recorded build's xen_xenmap[0] holds.
        Assert.Equal(332, tables.Single(t => t.GetProperty("name").GetString() == "xen_xenmap[0]").GetProperty("entriesInUse").GetInt32());
    }
}
