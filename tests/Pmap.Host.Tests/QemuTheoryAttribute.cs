using Pmap.Qemu;

namespace Pmap.Host.Tests;

/// <summary>
/// A theory that runs QEMU for every bundled architecture: skipped, naming the first missing Debian package. The emulators are
/// the ones the bundled ports' oracles name (the host learns them from the plugins at run time; a test attribute cannot).
/// </summary>
public sealed class QemuTheoryAttribute : TheoryAttribute
{
    private static readonly (string Binary, string Package)[] Bundled =
        [("qemu-system-aarch64", "qemu-system-arm"), ("qemu-system-arm", "qemu-system-arm"), ("qemu-system-x86_64", "qemu-system-x86"),
            ("qemu-system-riscv64", "qemu-system-misc")];

    public QemuTheoryAttribute()
    {
        Skip = Bundled.Select(b => MissingReason(b.Binary, b.Package)).FirstOrDefault(r => r is not null);
    }

    /// <summary>Why a test that runs <paramref name="binary"/> is skipped, naming its Debian package; null when it is installed.</summary>
    public static string? MissingReason(string binary, string package) => QemuLocator.MissingReason(new QemuTarget
    {
        Regime = default,
        Binary = binary,
        DebianPackage = package,
        MachineArgs = [],
        RamBase = 0,
        Registers = new Dictionary<string, ulong>(),
    });
}

/// <summary>A fact that runs one QEMU emulator: skipped, naming its Debian package, when it is not installed.</summary>
public sealed class QemuFactAttribute : FactAttribute
{
    public QemuFactAttribute(string binary, string package) => Skip = QemuTheoryAttribute.MissingReason(binary, package);
}

/// <summary>A fact that boots the real Xen arm64 image named by XEN_ARM64_IMAGE (.ci/run downloads it): skipped without it.</summary>
public sealed class XenImageFactAttribute : FactAttribute
{
    public XenImageFactAttribute()
    {
        if (QemuTheoryAttribute.MissingReason("qemu-system-aarch64", "qemu-system-arm") is { } reason) Skip = reason;
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
