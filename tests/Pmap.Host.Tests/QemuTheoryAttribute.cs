using Pmap.Qemu;

namespace Pmap.Host.Tests;

/// <summary>A theory that runs QEMU for every architecture: skipped, naming the first missing Debian package.</summary>
public sealed class QemuTheoryAttribute : TheoryAttribute
{
    public QemuTheoryAttribute()
    {
        foreach (var arch in Enum.GetValues<QemuArch>())
            if (QemuLocator.MissingReason(QemuTarget.For(arch)) is { } reason)
            {
                Skip = reason;
                return;
            }
    }
}

/// <summary>A fact that boots the real Xen arm64 image named by XEN_ARM64_IMAGE (.ci/run downloads it): skipped without it.</summary>
public sealed class XenImageFactAttribute : FactAttribute
{
    public XenImageFactAttribute()
    {
        if (QemuLocator.MissingReason(QemuTarget.Arm64) is { } reason) Skip = reason;
        else if (Image is null) Skip = "no Xen arm64 image: set XEN_ARM64_IMAGE to xen-4.17-arm64 from xen-hypervisor-4.17-arm64";
    }

    public static string? Image => Environment.GetEnvironmentVariable("XEN_ARM64_IMAGE") is { Length: > 0 } path && File.Exists(path) ? path : null;
}

/// <summary>A fact that needs Debian's 4.17.7 xen-syms (XEN_ARM64_SYMS, from xen-hypervisor-4.17-arm64-dbg): skipped without it.</summary>
public sealed class XenSymsFactAttribute : FactAttribute
{
    public const string Missing = "no xen-syms: set XEN_ARM64_SYMS to xen-syms-4.17-arm64 from xen-hypervisor-4.17-arm64-dbg";

    public XenSymsFactAttribute()
    {
        if (Syms is null) Skip = Missing;
    }

    public static string? Syms => Environment.GetEnvironmentVariable("XEN_ARM64_SYMS") is { Length: > 0 } path && File.Exists(path) ? path : null;
}

/// <summary>A fact that needs the image and its xen-syms: skipped, saying which is missing, without either.</summary>
public sealed class XenImageAndSymsFactAttribute : FactAttribute
{
    public XenImageAndSymsFactAttribute() => Skip = new XenImageFactAttribute().Skip ?? new XenSymsFactAttribute().Skip;
}
