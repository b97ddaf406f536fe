namespace Pmap.Host.Tests;

/// <summary>`pmap map` groups instructions under the Xen function that issued them, with its place in the profile's release.</summary>
public class MapFunctionsCliTests
{
    private static string Map(params string[] args)
    {
        var r = Cli.Run(["map", .. args]);
        Assert.True(r.Code is 0 or 1, r.Err);
        return r.Out.ReplaceLineEndings("\n");
    }

    // Places read from Xen's tags: RELEASE-4.17.7 defines write_pte in asm/arm64/page.h (arm32: asm/arm32/page.h), 4.18.0 moved it
    // to asm/page.h:254, 4.18.1 and 4.19.0 have it at 275, 4.21.0 on at 283; flush_xen_tlb_range_va_local is asm/flushtlb.h:35 throughout.
    [Theory]
    [InlineData("arm64", "xen-4.17.7", "arch/arm/include/asm/arm64/page.h:9", "str", "dsb nshst")]
    [InlineData("arm32", "xen-4.17.0", "arch/arm/include/asm/arm32/page.h:11", "strd", "dsb sy")]
    [InlineData("arm64", "xen-4.18.0", "arch/arm/include/asm/page.h:254", "str", "dsb nshst")]
    [InlineData("arm64", "xen-4.18.2", "arch/arm/include/asm/page.h:275", "str", "dsb nshst")]
    [InlineData("arm64", "xen-4.19.0", "arch/arm/include/asm/page.h:275", "str", "dsb nshst")]
    [InlineData("arm64", "upstream", "arch/arm/include/asm/page.h:283", "str", "dsb nshst")]
    public void Arm_instructions_stand_under_write_pte_and_flush_xen_tlb_range_va_local(string arch, string profile, string writePte,
        string store, string flushBarrier)
    {
        var o = Map("--arch", arch, "--profile", profile, "--mfn", "1", "--unmap");
        // write_pte: dsb sy; store; dsb sy, as Xen's inline asm has it.
        Assert.Contains($"  write_pte ({writePte})\n    dsb sy\n    {store,-10} xen_fixmap[", o);
        Assert.Contains("  flush_xen_tlb_range_va_local (arch/arm/include/asm/flushtlb.h:35)\n    " + flushBarrier + "\n", o);
    }

    [Fact]
    public void The_isb_of_4_18_stands_under_arch_pmap_map_and_4_17_shows_it_missing()
    {
        // feaa9aca87 puts isb() in arch_pmap_map itself (asm/pmap.h:8).
        Assert.Contains("  arch_pmap_map (arch/arm/include/asm/pmap.h:8)\n    isb\n", Map("--arch", "arm64", "--profile", "4.18.0", "--mfn", "1"));
        var old = Map("--arch", "arm64", "--profile", "4.17.7", "--mfn", "1");
        Assert.DoesNotContain("arch_pmap_map (", old);
        Assert.Contains("    dsb sy\n  <missing: isb>", old);
    }

    [Fact]
    public void RiscV_names_write_pte_and_flush_tlb_one_local_that_its_arch_pmap_map_calls()
    {
        // RELEASE-4.22.0: write_pte at asm/page.h:234, flush_tlb_one_local at asm/flushtlb.h:25; 4.20.0: 194 and 11.
        var o = Map("--arch", "riscv", "--profile", "xen-4.22.0", "--mfn", "1");
        Assert.Contains("  write_pte (arch/riscv/include/asm/page.h:234)\n    sd ", o);
        Assert.Contains("  flush_tlb_one_local (arch/riscv/include/asm/flushtlb.h:25)\n    sfence.vma", o);
        Assert.Contains("  write_pte (arch/riscv/include/asm/page.h:194)", Map("--arch", "riscv", "--profile", "4.20.0", "--mfn", "1"));
    }

    [Fact]
    public void A_profile_that_is_no_release_names_the_function_without_a_place()
    {
        Assert.Contains("  arch_pmap_map\n    mov ", Map("--arch", "x86", "--mfn", "1"));
        Assert.Contains("  write_pte\n    dsb sy\n", Map("--arch", "arm64", "--profile", "seed-v3", "--mfn", "1"));
    }

    [Theory]
    [InlineData("once", 1)]
    [InlineData("all", 8)]
    [InlineData("none", 0)]
    public void The_field_table_is_printed_once_per_distinct_entry_by_default(string mode, int tables)
    {
        var o = Map("--arch", "arm64", "--profile", "upstream", "--mfn", "1-8", "--unmap", "--fields", mode);
        Assert.Equal(tables, o.Split('\n').Count(l => l.TrimStart().StartsWith("bits ", StringComparison.Ordinal)));
        // Eight frames differ only in their output address: the later ones say so in one line.
        Assert.Equal(mode == "once" ? 7 : 0, o.Split('\n').Count(l => l.StartsWith("  fields as above except: OutputAddress = 0x", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_misspelt_fields_mode_is_a_usage_error_with_a_suggestion()
    {
        var r = Cli.Run("map", "--mfn", "1", "--fields", "onse");
        Assert.Equal(2, r.Code);
        Assert.Contains("--fields 'onse' (did you mean once?)", r.Err);
    }

    [Theory]
    [InlineData("map --mfn 1-8 --unmap")]
    [InlineData("map --arch riscv --mfn 1")]
    [InlineData("layout --arch x86")]
    [InlineData("compare")]
    [InlineData("versions --arch arm64")]
    [InlineData("hazards --arch arm64 --profile xen-4.17 --why")]
    [InlineData("dump --arch arm32 --tables")]
    public void Piped_output_has_no_trailing_blanks(string command)
    {
        var r = Cli.Process(null, command.Split(' '));
        Assert.True(r.Code is 0 or 1 or 4, r.Err);
        Assert.All(r.Out.Split('\n'), l => Assert.False(l.TrimEnd('\r').EndsWith(' '), $"trailing blanks: '{l}'"));
    }
}
