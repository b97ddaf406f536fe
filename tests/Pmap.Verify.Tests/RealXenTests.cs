using Pmap.Qemu;
using Pmap.Verify.RealXen;

namespace Pmap.Verify.Tests;

/// <summary>
/// A fact that needs Debian's Xen 4.17 arm64 image (path in XEN_ARM64_IMAGE; .ci/run downloads it) and QEMU:
/// skipped, saying which, when either is missing.
/// </summary>
public sealed class XenImageFactAttribute : FactAttribute
{
    public const string Variable = "XEN_ARM64_IMAGE";

    public XenImageFactAttribute()
    {
        if (QemuLocator.MissingReason(VerifyTargets.For(Models.Model("arm64"))) is { } reason) Skip = reason;
        else if (Image is null) Skip = $"no Xen arm64 image: set {Variable} to xen-4.17-arm64 from xen-hypervisor-4.17-arm64";
    }

    public static string? Image => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } path && File.Exists(path) ? path : null;
}

/// <summary>A fact that needs the image and its xen-syms (path in XEN_ARM64_SYMS, from xen-hypervisor-4.17-arm64-dbg).</summary>
public sealed class XenImageAndSymsFactAttribute : FactAttribute
{
    public XenImageAndSymsFactAttribute()
    {
        Skip = new XenImageFactAttribute().Skip;
        if (Skip is null && Syms is null) Skip = "no xen-syms: set XEN_ARM64_SYMS to xen-syms-4.17-arm64 from xen-hypervisor-4.17-arm64-dbg";
    }

    public static string? Syms => Environment.GetEnvironmentVariable("XEN_ARM64_SYMS") is { Length: > 0 } p && File.Exists(p) ? p : null;
}

public class RealXenTests
{
    [XenImageFact]
    public void Xen_boots_to_its_power_off_with_its_tables_in_place()
    {
        var oracle = VerifyTargets.Oracle(Models.Model("arm64"));
        var (ttbr, console) = XenBoot.Run(VerifyTargets.For(oracle), oracle.XenBoot!, XenImageFactAttribute.Image!, (q, s) => (s.Root, s.Console));
        Assert.Contains("noreboot", console);
        Assert.Equal(0x4032_B000UL, ttbr & 0xFFFF_FFFF_F000); // xen_pgtable in 4.17.7's xen-syms map
    }
}

public class RealXenComparisonTests
{
    /// <summary>
    /// Debian's 4.17.7 arm64 at its final panic beside the model's boot of the same 2 GiB at 0x40000000. The static
    /// tables pair up at the addresses of that build's xen-syms map (xen_pgtable 0x4032b000, xen_first 0x4032a000,
    /// xen_second 0x40329000, xen_xenmap 0x40328000, xen_fixmap 0x40297000); the directmap and the fixmap agree
    /// entry for entry. What differs is what the model does not model: the image's final permissions in xen_xenmap
    /// (text RX, rodata RO, init freed), the boot FDT's 2M block at 0x600000, and the VMAP (1G) and frametable
    /// (32G) tables.
    /// </summary>
    [XenImageFact]
    public void The_model_and_xen_4_17_tables_compared_entry_by_entry()
    {
        var report = RealXenCheck.Run(Models.Model("arm64", "xen-4.17"), XenImageFactAttribute.Image!);
        Assert.Equal(0x4032_B000UL, report.Root & 0xFFFF_FFFF_F000);
        var real = report.Comparison.Pairs.ToDictionary(p => p.Table, p => p.Real.Value);
        Assert.Equal((0x4032_B000UL, 0x4032_A000UL, 0x4032_9000UL, 0x4032_8000UL, 0x4029_7000UL),
            (real["xen_pgtable"], real["xen_first"], real["xen_second"], real["xen_xenmap"], real["xen_fixmap"]));
        var differing = report.Comparison.Differences.Select(d => d.Table == "xen_xenmap" ? d.Table : $"{d.Table}[{d.Index}]").ToHashSet();
        // xen_xenmap now agrees entry for entry (text RX, rodata RO, the rest RW/XN, nothing past _end); what is left are the
        // mappings the model does not make: the boot FDT's 2 MiB block and the VMAP and frametable links.
        Assert.Equal(["xen_first[1]", "xen_first[32]", "xen_second[3]"], differing.Order(StringComparer.Ordinal));
        Assert.Contains("Could not set up DOM0 guest OS", report.Console);
    }
}

public class RealXenPmapTraceTests
{
    /// <summary>
    /// Debian's 4.17.7 with 2 GiB at 0x40000000, stopped at every pmap_map/pmap_unmap (xen-syms: 0x2aaa70, 0x2aaaf0): 102 calls,
    /// slots 66 and 67 only (FIX_PMAP_BEGIN = FIX_ACPI_END + 1 = 2 + 64, asm/fixmap.h; 67 while a new table is mapped with
    /// its parent still mapped in 66). Calls 6 to 15 are setup_directmap_mappings, the part of start_xen the model boots:
    /// the model's 10 calls are exactly those. Before them: the boot FDT's map_pages_to_xen walking xen_pgtable (MFN
    /// 0x4032b), xen_first (0x4032a), xen_second (0x40329); after them: setup_frametable_mappings walking to the new
    /// table at 0xbfffe (xen_first[32]). Both are the mappings the table comparison lists as not modelled.
    /// </summary>
    [XenImageAndSymsFact]
    public void The_model_makes_the_real_xens_directmap_pmap_calls_slot_for_slot()
    {
        var model = Models.Model("arm64", "xen-4.17", XenImageAndSymsFactAttribute.Syms);
        var report = RealXenCheck.Run(model, XenImageFactAttribute.Image!);
        var pmap = report.Pmap!;
        Assert.Equal(6, pmap.ModelRunAt);
        Assert.True(pmap.Agrees);
        Assert.Equal((102, 10), (pmap.Real.Count, pmap.Model.Count));
        Assert.Equal([66, 67], pmap.RealSlots);
        Assert.Equal([66, 67], pmap.ModelSlots);
        Assert.Equal([0x4032bUL, 0x4032aUL, 0x40329UL], pmap.RealBefore.Where(c => c.Map).Select(c => c.Mfn));
        Assert.Equal([0x4032aUL, 0x4032bUL, 0xbfffeUL], pmap.RealAfter.Select(c => c.Mfn).Distinct().Order());
        Assert.Equal(pmap.Real.Count(c => c.Map), pmap.Real.Count(c => !c.Map)); // every map undone
        Assert.Equal(["xen_first[1]", "xen_first[32]", "xen_second[3]"],
            report.Comparison.Differences.Select(d => $"{d.Table}[{d.Index}]").Order(StringComparer.Ordinal));
    }
}
