using Pmap.Arch.Arm;

namespace Pmap.Arch.Arm32;

/// <summary>How arm32 is checked against a real MMU: QEMU's AArch32 Hyp regime (LPAE) with Xen's registers.</summary>
public static class Arm32Oracle
{
    /// <summary>TCR_RES1 (bit 31, arm32 asm/processor.h); TCR_T0SZ(0): the whole 32-bit VA through HTTBR.</summary>
    private const ulong TcrRes1 = 1UL << 31;

    /// <summary>HSCTLR_SET (arm32 asm/processor.h): HSCTLR_RES1 | SCTLR_Axx_ELx_A | SCTLR_Axx_ELx_I.</summary>
    private const ulong HsctlrSet = (1UL << 3) | (1UL << 4) | (1UL << 5) | (1UL << 6) | (1UL << 11) | (1UL << 16) | (1UL << 18)
        | (1UL << 22) | (1UL << 23) | (1UL << 28) | (1UL << 29) | (1UL << 1) | (1UL << 12);

    /// <summary>Xen's Hyp regime once the MMU is on (arm32/head.S): HTCR 0x80003500, HMAIR0/1 MAIR0VAL/MAIR1VAL, HSCTLR 0x30c5187f.</summary>
    public static Aarch32Hyp Regime { get; } = new(TcrRes1 | ArmOracle.TcrWalkAttributes, ArmOracle.Mair0Val, ArmOracle.Mair1Val,
        HsctlrSet | ArmOracle.SctlrMmuAndDcache);

    /// <summary>
    /// QEMU virt with the Virtualization and Security Extensions, cortex-a15 (LPAE); a real Xen boots in Hyp mode on virt
    /// (GICv2) with 1 GiB at 0x40000000, its console on the PL011 at 0x9000000, and powers off instead of rebooting.
    /// </summary>
    public static VerificationTarget Target { get; } = new("qemu-system-arm", "qemu-system-arm", ArmOracle.ProbeMachine("cortex-a15"),
        ArmOracle.VirtRamBase, Regime)
    {
        XenBoot = new XenBootTarget(["-M", "virt,virtualization=on", "-cpu", "cortex-a15"], ArmOracle.VirtRamBase, 1UL << 30,
            "console=dtuart dtuart=/pl011@9000000 noreboot loglvl=all sync_console",
            // HTTBR bits 39:x hold the root's address (LPAE, 40-bit PA; 4K aligned here).
            RootRegister: "HTTBR", RootAddressMask: 0x0000_00FF_FFFF_F000,
            // AAPCS: the first argument and the return value in r0, the return address in lr.
            ArgumentRegister: "r0", LinkRegister: "lr")
        {
            // QEMU's hw/arm/boot.c: a 32-bit kernel (Xen's zImage) is loaded at RAM + KERNEL_LOAD_ADDR, 0x10000.
            ImageLoadAddress = ArmOracle.VirtRamBase + 0x1_0000,
        },
    };
}
