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
    /// Debian's 4.17.7 arm64 at its final panic beside the model's boot of the same RAM at 0x40000000 (QEMU's -m and the model's
    /// bank). The static tables pair up at the addresses of that build (xen_pgtable 0x4032b000, xen_first 0x4032a000,
    /// xen_second 0x40329000, xen_xenmap 0x40328000, xen_fixmap 0x40297000), and so does every other table page: the
    /// directmap's, the frame table's (xen_first[32]), the VMAP's (xen_first[1] and its nine level-3 tables). What differs is
    /// only the frames Xen took from its heap, whose allocator the model does not run: dom0's maptrack pages
    /// (grant_table_init's vzalloc, VMAP slots 3965 and 3966) and, at 1 GiB, vm_init's bitmap page (Xen's heap hands out
    /// 0x48009 there, by the device tree, not the top of RAM).
    /// </summary>
    [XenImageTheory]
    [InlineData(1, 3)]
    [InlineData(2, 2)]
    [InlineData(3, 2)]
    [InlineData(4, 2)]
    public void The_model_and_xen_4_17_tables_pair_page_for_page_and_differ_only_in_heap_frames(int gib, int heapFrames)
    {
        var report = RealXenCheck.Run(Models.Model("arm64", "xen-4.17"), XenImageFactAttribute.Image!, ramSize: (ulong)gib << 30);
        Assert.Equal(0x4032_B000UL, report.Root & 0xFFFF_FFFF_F000);
        var real = report.Comparison.Pairs.ToDictionary(p => p.Table, p => p.Real.Value);
        Assert.Equal((0x4032_B000UL, 0x4032_A000UL, 0x4032_9000UL, 0x4032_8000UL, 0x4029_7000UL),
            (real["xen_pgtable"], real["xen_first"], real["xen_second"], real["xen_xenmap"], real["xen_fixmap"]));
        Assert.Equal((17, 17, 17), (report.RealTablePages, report.ModelTablePages, report.Comparison.Pairs.Count));
        Assert.Empty(report.Comparison.RealOnly);
        Assert.Empty(report.Comparison.ModelOnly);
        Assert.Equal(heapFrames, report.Comparison.Differences.Count);
        Assert.All(report.Comparison.Differences, d => Assert.True(d.HeapFrame, $"{d.Va:x}: {d.ModelMeaning} / {d.RealMeaning}"));
        Assert.Equal(2, report.Comparison.Differences.Count(d => d.Mapping!.Function == "grant_table_init"));
        Assert.Contains("Could not set up DOM0 guest OS", report.Console);
    }
}

public class RealXenPmapTraceTests
{
    /// <summary>
    /// Debian's 4.17.7 stopped at every pmap_map/pmap_unmap (xen-syms: 0x2aaa70, 0x2aaaf0) beside the model's boot of the same
    /// RAM: the two sequences are equal, call for call (operation, slot, MFN). Slots 66 and 67 only (FIX_PMAP_BEGIN =
    /// FIX_ACPI_END + 1 = 2 + 64, asm/fixmap.h; 67 while a new table is mapped with its parent still mapped in 66). The count is
    /// Xen's arithmetic: early_fdt_map 6, the directmap 4 a GiB + 2, the frame table 6 a 2 MiB block + 2 (7, 14, 32, 32 blocks).
    /// </summary>
    [XenImageAndSymsTheory]
    [InlineData(1, 56)]
    [InlineData(2, 102)]
    [InlineData(3, 214)]
    [InlineData(4, 218)]
    public void The_model_makes_the_real_xens_pmap_calls_call_for_call(int gib, int calls)
    {
        var model = Models.Model("arm64", "xen-4.17", XenImageAndSymsFactAttribute.Syms);
        var report = RealXenCheck.Run(model, XenImageFactAttribute.Image!, ramSize: (ulong)gib << 30);
        var pmap = report.Pmap!;
        Assert.True(pmap.Equal);
        Assert.Null(pmap.FirstDifference);
        Assert.Equal(0, pmap.ModelRunAt);
        Assert.Equal((calls, calls), (pmap.Real.Count, pmap.Model.Count));
        Assert.Equal([66, 67], pmap.RealSlots);
        // The boot FDT first: the static root chain xen_pgtable, xen_first, xen_second (MFNs 0x4032b, 0x4032a, 0x40329).
        Assert.Equal([0x4032bUL, 0x4032aUL, 0x40329UL], pmap.Real.Take(6).Where(c => c.Map).Select(c => c.Mfn));
        Assert.Equal(pmap.Real.Count(c => c.Map), pmap.Real.Count(c => !c.Map)); // every map undone
    }
}

/// <summary>A theory that needs Debian's Xen 4.17 arm64 image and QEMU (as <see cref="XenImageFactAttribute"/>).</summary>
public sealed class XenImageTheoryAttribute : TheoryAttribute
{
    public XenImageTheoryAttribute() => Skip = new XenImageFactAttribute().Skip;
}

/// <summary>A theory that needs the image and its xen-syms (as <see cref="XenImageAndSymsFactAttribute"/>).</summary>
public sealed class XenImageAndSymsTheoryAttribute : TheoryAttribute
{
    public XenImageAndSymsTheoryAttribute() => Skip = new XenImageAndSymsFactAttribute().Skip;
}
