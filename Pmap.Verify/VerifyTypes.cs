using Pmap.Core;
using Pmap.Qemu;

namespace Pmap.Verify;

/// <summary>The scenarios whose tables can be checked.</summary>
public enum VerifyScenario
{
    /// <summary>BootScenario on the architecture's default RAM: the boot tables and the directmap.</summary>
    Boot,

    /// <summary>Every PMAP slot mapped, each to a different MFN.</summary>
    Map,
}

/// <summary>One VA: the model's answer (walk of its tables) beside the MMU's.</summary>
public sealed record VaCheck(ulong Va, string What, ulong? ModelPa, int? ModelFaultLevel, ProbeResult Qemu, ulong? QemuPa)
{
    /// <summary>Same PA, or both fault (at the same level where both name one).</summary>
    public bool Agrees => ModelPa is { } pa
        ? QemuPa == pa
        : QemuPa is null && (ModelFaultLevel is null || Qemu.FaultLevel is null || ModelFaultLevel == Qemu.FaultLevel);

    public string ModelAnswer => ModelPa is { } pa ? Hex.Format(pa) : $"fault{(ModelFaultLevel is { } l ? $" (level {l})" : "")}";

    public string QemuAnswer => QemuPa is { } pa
        ? Hex.Format(pa)
        : $"{Qemu.FaultKind} fault{(Qemu.FaultLevel is { } l ? $" (level {l})" : "")}";
}

/// <summary>What a verify run did: the VAs compared, how many table pages went to QEMU, how long each part took.</summary>
public sealed record VerifyReport(
    string Arch,
    string Profile,
    VerifyScenario Scenario,
    string QemuBinary,
    int TablePages,
    int TablePagesMoved,
    IReadOnlyList<VaCheck> Checks,
    TimeSpan ModelTime,
    TimeSpan QemuTime)
{
    public IReadOnlyList<VaCheck> Disagreements => Checks.Where(c => !c.Agrees).ToList();

    public bool AllAgree => Checks.All(c => c.Agrees);
}

/// <summary>The QEMU target and regime for an architecture the model knows, by its --arch name.</summary>
public static class VerifyTargets
{
    public static QemuTarget? For(string arch) => arch switch
    {
        "arm64" => QemuTarget.Arm64,
        "arm32" => QemuTarget.Arm32,
        "x86" => QemuTarget.X86_64,
        "riscv" => QemuTarget.RiscV64,
        _ => null,
    };

    /// <summary>Xen's regime at the point the scenario ends: MmuProbe's defaults; on RISC-V satp's mode follows the root level.</summary>
    public static RegimeOptions Regime(PageTableFormat format, QemuTarget target) =>
        target.Arch == QemuArch.RiscV64 ? new RegimeOptions { SatpMode = format.RootLevel == 3 ? 9 : 8 } : new RegimeOptions();
}
