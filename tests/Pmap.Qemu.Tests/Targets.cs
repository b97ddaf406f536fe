using Pmap.Arch.Arm32;
using Pmap.Arch.Arm64;
using Pmap.Arch.RiscV;
using Pmap.Arch.X86;
using Pmap.Verify;

namespace Pmap.Qemu.Tests;

/// <summary>The probe's targets as the four ports state them (their oracles): the probe itself holds no register value.</summary>
public static class Targets
{
    public static QemuTarget Aarch64El2 { get; } = VerifyTargets.For(Arm64Oracle.Target);
    public static QemuTarget Aarch32Hyp { get; } = VerifyTargets.For(Arm32Oracle.Target);
    public static QemuTarget X86 { get; } = VerifyTargets.For(X86Oracle.Target);
    public static QemuTarget RiscVSv39 { get; } = VerifyTargets.For(RiscVOracle.Target);

    public static QemuTarget For(QemuRegime regime) => regime switch
    {
        QemuRegime.Aarch64El2Stage1 => Aarch64El2,
        QemuRegime.Aarch32Hyp => Aarch32Hyp,
        QemuRegime.X86FourLevelPaging => X86,
        QemuRegime.RiscVSatp => RiscVSv39,
        _ => throw new ArgumentOutOfRangeException(nameof(regime)),
    };
}
