using Pmap.Arch.Arm32;
using Pmap.Arch.Arm64;
using Pmap.Arch.RiscV;
using Pmap.Arch.X86;
using Pmap.Core.Arch;
using Pmap.Qemu;

namespace Pmap.Verify.Tests;

public static class Models
{
    /// <summary>Every architecture pmap verifies, for [MemberData].</summary>
    public static TheoryData<string> All => ["arm64", "arm32", "x86", "riscv"];

    internal static IArchitecture Architecture(string name) => name switch
    {
        "arm64" => new Arm64Architecture(),
        "arm32" => new Arm32Architecture(),
        "x86" => new X86Architecture(),
        "riscv" => new RiscVArchitecture(),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    /// <summary>The architecture's model with its default profile, or the one named.</summary>
    internal static ArchModel Model(string name, string? profile = null, string? xenSyms = null)
    {
        var arch = Architecture(name);
        return arch.Create(ArchSettings.For(profile ?? arch.DefaultProfile) with { SymbolsFile = xenSyms, ElfSymbolReader = ElfSymbols.Read });
    }
}

/// <summary>A theory over architectures that need QEMU: skipped, naming the Debian package, when a binary is missing.</summary>
public sealed class QemuTheoryAttribute : TheoryAttribute
{
    public QemuTheoryAttribute(params string[] archs)
    {
        var missing = archs.Select(a => VerifyTargets.For(Models.Model(a))).Select(QemuLocator.MissingReason).FirstOrDefault(r => r is not null);
        if (missing is not null) Skip = missing;
    }
}

/// <summary>A fact that needs one architecture's QEMU.</summary>
public sealed class QemuFactAttribute : FactAttribute
{
    public QemuFactAttribute(string arch)
    {
        if (QemuLocator.MissingReason(VerifyTargets.For(Models.Model(arch))) is { } reason) Skip = reason;
    }
}
