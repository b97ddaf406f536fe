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
