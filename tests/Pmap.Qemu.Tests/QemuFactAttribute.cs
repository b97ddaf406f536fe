using Pmap.Qemu;

namespace Pmap.Qemu.Tests;

/// <summary>
/// A fact that needs a QEMU binary: reported as skipped, with the Debian package to install, when it is missing.
/// </summary>
public sealed class QemuFactAttribute : FactAttribute
{
    public QemuFactAttribute(QemuRegime regime)
    {
        if (QemuLocator.MissingReason(Targets.For(regime)) is { } reason) Skip = reason;
    }
}
