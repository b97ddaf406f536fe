using Pmap.Arch.Arm64;
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
    /// directmap's, the frame table's (xen_first[32]), the VMAP's (xen_first[1] and its nine level-3 tables). vm_init's bitmap
    /// page is the first of Xen's heap, as the model's heap hands it out (at 1 GiB 0x48009000, the page after the FDT). What
    /// differs is only dom0's maptrack pages (grant_table_init's vzalloc, VMAP slots 3965 and 3966), taken from the heap after
    /// the boot's xmallocs: equal in every bit but the frame, which is RAM Xen's heap could hand out, so verify agrees.
    /// </summary>
    [XenImageTheory]
    [InlineData(1, 0x4800_9000UL)]
    [InlineData(2, 0xBFFF_D000UL)]
    [InlineData(3, 0xFFFF_D000UL)]
    [InlineData(4, 0x1_3FFF_D000UL)]
    public void The_model_and_xen_4_17_tables_agree_but_for_the_frames_xens_heap_chose(int gib, ulong bitmap)
    {
        var report = RealXenCheck.Run(Models.Model("arm64", "xen-4.17"), XenImageFactAttribute.Image!, ramSize: (ulong)gib << 30);
        Assert.Equal(0x4032_B000UL, report.Root & 0xFFFF_FFFF_F000);
        var real = report.Comparison.Pairs.ToDictionary(p => p.Table, p => p.Real.Value);
        Assert.Equal((0x4032_B000UL, 0x4032_A000UL, 0x4032_9000UL, 0x4032_8000UL, 0x4029_7000UL),
            (real["xen_pgtable"], real["xen_first"], real["xen_second"], real["xen_xenmap"], real["xen_fixmap"]));
        Assert.Equal((17, 17, 17), (report.RealTablePages, report.ModelTablePages, report.Comparison.Pairs.Count));
        Assert.Empty(report.Comparison.RealOnly);
        Assert.Empty(report.Comparison.ModelOnly);
        Assert.Equal(["grant_table_init", "grant_table_init"], report.Comparison.Differences.Select(d => d.Mapping!.Function));
        Assert.All(report.Comparison.Differences, d => Assert.True(d.HeapChose, $"{d.Va:x}: {d.ModelMeaning} / {d.RealMeaning}"));
        Assert.True(report.Comparison.Agrees);
        // The FDT as Xen keeps it out (its header read from the guest's RAM) is the model's.
        var fdt = report.Heap!.Kept.Single(k => k.Name == "the FDT");
        Assert.Equal((0x4800_0000UL, Arm64Model.QemuVirtFdtSize), (fdt.Start.Value, fdt.Size));
        var vmapL3 = report.RealTables!.Tables.Single(t => t.Pa == report.Comparison.Pairs.Single(p => p.Level == 3 && p.Va == 0x4000_0000).Real);
        Assert.Equal(bitmap, vmapL3.Entries[0] & 0xFFFF_FFFF_F000);
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
