using Pmap.Core;
using Pmap.Core.Arch;
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

/// <summary>The QEMU target a port states as its oracle, in the probe's terms: the host knows no architecture by name.</summary>
public static class VerifyTargets
{
    /// <summary>The port's oracle; a port that states none is refused (exit 3), never passed unchecked.</summary>
    public static VerificationTarget Oracle(ArchModel model) => model.Oracle
        ?? throw new PmapPluginException(model.Name, "states no verification target (QEMU target and regime registers): see PORTING.md");

    /// <summary>The port's oracle as the probe takes it.</summary>
    public static QemuTarget For(ArchModel model) => For(Oracle(model));

    /// <summary>A verification target as the probe takes it: the mechanism, machine, RAM and register values, unchanged.</summary>
    public static QemuTarget For(VerificationTarget oracle) => new()
    {
        Regime = oracle.Regime switch
        {
            Aarch64El2Stage1 => QemuRegime.Aarch64El2Stage1,
            Aarch32Hyp => QemuRegime.Aarch32Hyp,
            X86FourLevelPaging => QemuRegime.X86FourLevelPaging,
            RiscVSv39 => QemuRegime.RiscVSatp,
            var other => throw new ArgumentOutOfRangeException(nameof(oracle), other, "no probe for this regime"),
        },
        Binary = oracle.QemuBinary,
        MachineArgs = oracle.MachineArgs,
        DebianPackage = oracle.DebianPackage,
        RamBase = oracle.RamBase,
        Holes = [.. oracle.RamHoles.Select(h => new PhysWindow(h.Base, h.Size))],
        Registers = oracle.Regime.Registers,
    };
}
