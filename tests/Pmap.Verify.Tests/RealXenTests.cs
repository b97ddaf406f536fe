using Pmap.Qemu;
using Pmap.Verify.RealXen;

namespace Pmap.Verify.Tests;

/// <summary>
/// A fact that needs Debian's Xen 4.17 arm64 image (path in PMAP_XEN_IMAGE; .ci/run downloads it) and QEMU:
/// skipped, saying which, when either is missing.
/// </summary>
public sealed class XenImageFactAttribute : FactAttribute
{
    public const string Variable = "PMAP_XEN_IMAGE";

    public XenImageFactAttribute()
    {
        if (QemuLocator.MissingReason(QemuTarget.Arm64) is { } reason) Skip = reason;
        else if (Image is null) Skip = $"no Xen arm64 image: set {Variable} to xen-4.17-arm64 from xen-hypervisor-4.17-arm64";
    }

    public static string? Image => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } path && File.Exists(path) ? path : null;
}

public class RealXenTests
{
    [XenImageFact]
    public void Xen_boots_to_its_power_off_with_its_tables_in_place()
    {
        var (ttbr, console) = XenBoot.Run(XenImageFactAttribute.Image!, (q, s) => (s.Ttbr0El2, s.Console));
        Console.Error.WriteLine(console);
        Assert.Contains("noreboot", console);
        Assert.Equal(0x4032_B000UL, ttbr & 0xFFFF_FFFF_F000); // xen_pgtable in 4.17.7's xen-syms map
    }
}
