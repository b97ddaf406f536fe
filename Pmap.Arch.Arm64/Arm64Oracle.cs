using Pmap.Arch.Arm;

namespace Pmap.Arch.Arm64;

/// <summary>How arm64 is checked against a real MMU: QEMU's AArch64 EL2 stage 1 with Xen's registers, and a real Xen booted.</summary>
public static class Arm64Oracle
{
    /// <summary>TCR_RES1 (bits 31 and 23, arm64 asm/processor.h), T0SZ(64 - 48) = 16 as arm64/head.S sets them.</summary>
    private const ulong TcrRes1 = (1UL << 31) | (1UL << 23), T0sz48 = 64 - 48;

    /// <summary>
    /// TCR_EL2.PS (bits 18:16): head.S copies ID_AA64MMFR0_EL1.PARange into it; cortex-a57's is 0b101, 48 bits.
    /// </summary>
    private const ulong Ps48 = 0b101UL << 16;

    /// <summary>SCTLR_EL2_SET (arm64 asm/processor.h): SCTLR_EL2_RES1 | SCTLR_A64_ELx_SA | SCTLR_Axx_ELx_I.</summary>
    private const ulong SctlrEl2Set = (1UL << 4) | (1UL << 5) | (1UL << 11) | (1UL << 16) | (1UL << 18) | (1UL << 22) | (1UL << 23)
        | (1UL << 28) | (1UL << 29) | (1UL << 3) | (1UL << 12);

    /// <summary>Xen's EL2 regime once the MMU is on (arm64/head.S): TCR_EL2 0x80853510, MAIR_EL2 MAIRVAL, SCTLR_EL2 0x30c5183d.</summary>
    public static Aarch64El2Stage1 Regime { get; } = new(
        TcrRes1 | ArmOracle.TcrWalkAttributes | T0sz48 | Ps48, ArmOracle.MairVal, SctlrEl2Set | ArmOracle.SctlrMmuAndDcache);

    /// <summary>
    /// QEMU virt at EL3 (secure=on, so the probe can set EL2's registers), cortex-a57; a real Xen boots at EL2 on virt with
    /// GICv3 and 2 GiB at 0x40000000, its console on the PL011 at 0x9000000, and powers off instead of rebooting.
    /// </summary>
    public static VerificationTarget Target { get; } = new("qemu-system-aarch64", "qemu-system-arm", ArmOracle.ProbeMachine("cortex-a57"),
        ArmOracle.VirtRamBase, Regime)
    {
        XenBoot = new XenBootTarget(["-M", "virt,virtualization=on,gic-version=3", "-cpu", "cortex-a57"], ArmOracle.VirtRamBase, 2UL << 30,
            "console=dtuart dtuart=/pl011@9000000 noreboot loglvl=all sync_console",
            // TTBR0_EL2 bits 47:1 hold the root's address (4K aligned here); CnP and the ASID field are not used at EL2.
            RootRegister: "TTBR0_EL2", RootAddressMask: 0x0000_FFFF_FFFF_F000,
            // AAPCS64: the first argument and the return value in x0, the return address in x30.
            ArgumentRegister: "x0", LinkRegister: "x30"),
    };
}
