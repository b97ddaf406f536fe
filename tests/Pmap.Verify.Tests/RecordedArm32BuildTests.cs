using Pmap.Verify.RealXen;

namespace Pmap.Verify.Tests;

/// <summary>
/// Each arm32 release profile held to its release built for arm32 (RealBuilds/xen-RELEASE-arm32.json: the tag,
/// defconfig, Debian's arm-linux-gnueabihf-gcc 12.2.0, booted under QEMU virt with cortex-a15 and 1 GiB by
/// `ARCH=arm32 tools/xen-releases/record.sh`), with no QEMU. The arm32 model makes the boot's static tables, the xenheap
/// and the PMAP calls that fill them; what it does not make is pinned entry by entry, so that a change on either side fails.
/// </summary>
public class RecordedArm32BuildTests
{
    /// <summary>The releases recorded for arm32.</summary>
    public static TheoryData<string> Builds => ["4.18.6", "4.19.6", "4.20.4", "4.21.2", "4.22.0"];

    private static XenBuildRecord Load(string name) => RecordedBuildTests.Load(name, "arm32");

    private static RecordedBuildComparison Compare(string name, bool recordedSymbols = true) =>
        RecordedBuildTests.Compare(name, recordedSymbols, "arm32");

    private static ulong Number(string hex) => RecordedBuildTests.Number(hex);

    /// <summary>
    /// The build named its release; QEMU loaded the zImage at RAM + 0x10000 (hw/arm/boot.c KERNEL_LOAD_ADDR), which is no
    /// 2 MiB boundary: these builds map themselves with 4 KiB pages. It panicked with no dom0 kernel, HTTBR holding cpu0_pgtable.
    /// </summary>
    [Theory]
    [MemberData(nameof(Builds))]
    public void The_build_is_its_release_for_arm32_loaded_where_qemu_puts_a_zimage(string name)
    {
        var r = Load(name);
        Assert.Equal(("arm32", name[..name.LastIndexOf('.')], "xen-" + name), (r.Arch, r.Version, r.Profile));
        Assert.Equal("RELEASE-" + name, r.Build!.Value.GetProperty("ref").GetString());
        Assert.Equal("y", r.Build!.Value.GetProperty("config").GetProperty("CONFIG_HAS_PMAP").GetString());
        Assert.Equal(0x4001_0000UL, Number(r.LoadAddress));
        Assert.Equal(("0x40000000", "0x40000000"), (r.Boot.RamBase, r.Boot.RamSize));
        // 4.21 renamed dom0 to d0 in the message.
        Assert.Equal($"(XEN) Could not set up {(name is "4.21.2" or "4.22.0" ? "d0" : "DOM0")} guest OS (rc = -2)", r.Panic);
        Assert.Equal(Number(r.LoadAddress) + Number(r.Symbols["cpu0_pgtable"]) - Number(r.Symbols["_start"]), Number(r.Root));
        // pmap hazards decodes arm64 only: the record says so rather than holding an empty (clean-looking) list.
        Assert.True(r.Hazards!.Value.TryGetProperty("notRecorded", out _));
        Assert.False(r.Hazards!.Value.TryGetProperty("dynamic", out _));
    }

    /// <summary>cpu0_pgtable, xen_second, xen_xenmap and xen_fixmap pair with the model's at the build's own addresses.</summary>
    [Theory]
    [MemberData(nameof(Builds))]
    public void The_static_tables_pair_at_the_builds_addresses(string name)
    {
        var c = Compare(name);
        var (load, start) = (Number(c.Record.LoadAddress), Number(c.Record.Symbols["_start"]));
        foreach (var (table, symbol, page) in new[]
                 {
                     ("cpu0_pgtable", "cpu0_pgtable", 0), ("xen_second", "xen_second", 0), ("xen_fixmap", "xen_fixmap", 0),
                     ("xen_xenmap[0]", "xen_xenmap", 0), ("xen_xenmap[1]", "xen_xenmap", 1), ("xen_xenmap[2]", "xen_xenmap", 2),
                     ("xen_xenmap[3]", "xen_xenmap", 3),
                 })
        {
            var pair = c.Tables.Pairs.Single(p => p.Table == table);
            Assert.Equal(load + Number(c.Record.Symbols[symbol]) - start + ((ulong)page << 12), pair.Real.Value);
            Assert.Equal(pair.Real, pair.Model);
        }
        Assert.Equal(Number(c.Record.Root), c.Tables.Pairs[0].Real.Value);
        // The fixmap's table maps XEN_VIRT_START + 8 MiB (FIXMAP_ADDR(0)); at the panic every PMAP slot is free again.
        Assert.Equal(0xa0_0000UL, c.Tables.Pairs.Single(p => p.Table == "xen_fixmap").Va);
        Assert.Empty(c.Record.Tables.Single(t => t.Name == "xen_fixmap").Entries);
    }

    /// <summary>
    /// Everything the model makes agrees entry for entry (the image's 4 KiB pages and their permissions, the xenheap,
    /// early_fdt_map's 2 MiB block of the DTB at 0x48000000 read-only at BOOT_FDT_VIRT_START (xen_second[6]), the frame table's
    /// four 2 MiB blocks at FRAMETABLE_VIRT_START (xen_second[16..19]; 1 GiB × 32-byte page_info, from the boot allocator's top
    /// at 32 MiB alignment until 4.21, 2 MiB from 4.22's init_frametable), from 4.19 vm_init's table at VMAP_VIRT_START
    /// (xen_second[128], 0x7dffd000) and its bitmap page (0x7dffe000)). What differs is what the arm32 model does not make, each
    /// entry empty in the model: the domheap's per-CPU second-level pages (cpu0_pgtable[2], [3], init_domheap_mappings'
    /// cpu0_dommap), the VMAP after early boot (4.18's vm_init; from 4.19 xen_second[129] and the ioremaps' pages in the VMAP's
    /// table); below them Xen has table pages the model has none of (4, from 4.19 3).
    /// </summary>
    [Theory]
    [InlineData("4.18.6", 0x7c00_0000UL)]
    [InlineData("4.19.6", 0x7c00_0000UL)]
    [InlineData("4.20.4", 0x7c00_0000UL)]
    [InlineData("4.21.2", 0x7c00_0000UL)]
    [InlineData("4.22.0", 0x7d60_0000UL)]
    public void Only_what_the_arm32_model_does_not_make_differs(string name, ulong frametable)
    {
        var c = Compare(name);
        var entries = c.Record.Tables.ToDictionary(t => t.Name, t => t.Entries.Select(e => e.Split('='))
            .ToDictionary(e => int.Parse(e[0], System.Globalization.CultureInfo.InvariantCulture), e => Number(e[1])));
        var second = entries["xen_second"];
        var vmInitEarly = name != "4.18.6";
        string[] notMade = vmInitEarly
            ? ["cpu0_pgtable[2]", "cpu0_pgtable[3]", "xen_second[129]",
               .. entries["table@0x7dffd000"].Keys.Where(i => i != 0).Select(i => $"table@0x7dffd000[{i}]")]
            : ["cpu0_pgtable[2]", "cpu0_pgtable[3]", "xen_second[128]", "xen_second[129]"];
        Assert.Equal(notMade.Order(StringComparer.Ordinal), c.Tables.Differences.Select(d => $"{d.Table}[{d.Index}]").Order(StringComparer.Ordinal));
        Assert.All(c.Tables.Differences, d => Assert.Equal(0UL, d.Model));
        Assert.DoesNotContain(c.Tables.Differences, d => d.FrameOnly);
        Assert.Equal(vmInitEarly ? 3 : 4, c.Tables.RealOnly.Count);
        Assert.Empty(c.Tables.ModelOnly);
        // The recorded entries the model now makes: PAGE_HYPERVISOR_RO | _PAGE_BLOCK and PAGE_HYPERVISOR_RW | _PAGE_BLOCK.
        Assert.Equal(0x40_0000_4800_0ffdUL, second[6]);
        Assert.Equal(Enumerable.Range(0, 4).Select(i => 0x40_0000_0000_0f7dUL | (frametable + ((ulong)i << 21))),
            Enumerable.Range(16, 4).Select(i => second[i]));
        if (vmInitEarly)
        {
            // vm_init's table from the boot allocator, under the bitmap page it took first.
            Assert.Equal(0x40_0000_7dff_df7fUL, second[128]);
            Assert.Equal(0x40_0000_7dff_ef7fUL, entries["table@0x7dffd000"][0]);
        }
    }

    /// <summary>
    /// Without the build's symbols the arm32 profile lays the image out by its own facts (arm32 has no recorded build layout,
    /// as arm64's profiles do): the image's pages differ from the build's, beyond what differs with its symbols.
    /// </summary>
    [Theory]
    [MemberData(nameof(Builds))]
    public void The_profile_alone_does_not_lay_the_image_out_as_the_build_did(string name)
    {
        var c = Compare(name, recordedSymbols: false);
        Assert.Contains(c.Tables.Differences, d => d.Table == "xen_xenmap[0]");
        Assert.True(c.Tables.Differences.Count > Compare(name).Tables.Differences.Count);
    }

    /// <summary>
    /// Xen's PMAP calls use slots 66 and 67 (FIX_PMAP_BEGIN on, as the model's). The model's calls (early_fdt_map's walk of
    /// cpu0_pgtable and xen_second, the xenheap's 66, the frame table's four blocks, each walked from the root: 86; from 4.19
    /// vm_init's 38 in early boot: its bitmap page and table at 0x7dffd000, then populate_pt_range) are an unbroken run of
    /// Xen's: all of 4.18.6's and 4.19.6's. Not modelled: from 4.20 the map/unmap pairs before the run in slot 66
    /// (early_fdt_map on head.S's boot_pgtable and boot_second, before setup_pagetables).
    /// </summary>
    [Theory]
    [InlineData("4.18.6", 86, 86, 0, "")]
    [InlineData("4.19.6", 124, 124, 0, "")]
    [InlineData("4.20.4", 128, 124, 4, "0x400a1 0x4009e")]
    [InlineData("4.21.2", 128, 124, 4, "0x400a1 0x4009e")]
    [InlineData("4.22.0", 128, 124, 4, "0x400a1 0x4009e")]
    public void The_models_pmap_calls_are_an_unbroken_run_of_xens(string name, int calls, int modelCalls, int runAt, string before)
    {
        var p = Compare(name).Pmap;
        Assert.Equal((calls, modelCalls, (int?)runAt), (p.Real.Count, p.Model.Count, p.ModelRunAt));
        Assert.Equal(runAt == 0, p.Equal);
        Assert.Equal([66, 67], p.RealSlots);
        Assert.Equal([66, 67], p.ModelSlots);
        Assert.Equal(p.Model, p.Real.Skip(runAt).Take(modelCalls));
        Assert.Equal(before.Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .SelectMany(m => new[] { $"map slot 66 MFN {m}", $"unmap slot 66 MFN {m}" }),
            p.RealBefore.Select(c => c.ToString()));
        Assert.Empty(p.RealAfter);
        // vm_init's calls end the run from 4.19, walking its table at 0x7dffd000.
        Assert.Equal(modelCalls > 86, p.Model.Skip(86).Any(c => c.Mfn == 0x7dffd));
    }
}
