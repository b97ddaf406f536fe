
namespace Pmap.Arch.Arm;

/// <summary>What both Arm ports' oracles share: QEMU's virt machine with EL2/Hyp, its RAM, and Xen's memory attributes.</summary>
public static class ArmOracle
{
    /// <summary>QEMU virt's RAM starts at 0x40000000 (hw/arm/virt.c, VIRT_MEM).</summary>
    public const ulong VirtRamBase = 0x4000_0000;

    /// <summary>
    /// MAIR0VAL and MAIR1VAL (asm/page.h): byte n is the attribute of AttrIndx n, MT_DEVICE_nGnRnE 0x00, MT_NORMAL_NC 0x44,
    /// MT_NORMAL_WT 0xaa, MT_NORMAL_WB 0xee, MT_DEVICE_nGnRE 0x04, MT_NORMAL 0xff; MAIR_EL2 is MAIR1VAL:MAIR0VAL.
    /// </summary>
    public const ulong MairVal = (0x00UL << (8 * (int)Lpae.MtDeviceNGnRnE)) | (0x44UL << (8 * (int)Lpae.MtNormalNc))
        | (0xAAUL << (8 * (int)Lpae.MtNormalWt)) | (0xEEUL << (8 * (int)Lpae.MtNormalWb))
        | (0x04UL << (8 * (int)Lpae.MtDeviceNGnRE)) | (0xFFUL << (8 * (int)Lpae.MtNormal)); // 0xff000004eeaa4400

    /// <summary>MAIR0VAL (HMAIR0) and MAIR1VAL (HMAIR1): the low and high words of <see cref="MairVal"/>.</summary>
    public const ulong Mair0Val = MairVal & 0xFFFF_FFFF, Mair1Val = MairVal >> 32;

    /// <summary>SCTLR_Axx_ELx_M and SCTLR_Axx_ELx_C (asm/processor.h): enable_mmu in head.S sets both on top of the initial value.</summary>
    public const ulong SctlrMmuAndDcache = (1UL << 0) | (1UL << 2);

    /// <summary>
    /// TCR_SH0_IS | TCR_ORGN0_WBWA | TCR_IRGN0_WBWA (asm/processor.h): walks inner shareable, write-back write-allocate;
    /// TG0 is 0, the 4 KiB granule.
    /// </summary>
    public const ulong TcrWalkAttributes = (3UL << 12) | (1UL << 10) | (1UL << 8);

    /// <summary>The probe starts at EL3 / Secure SVC, so the machine has the Security Extensions as well as EL2.</summary>
    public static IReadOnlyList<string> ProbeMachine(string cpu) => ["-M", "virt,virtualization=on,secure=on", "-cpu", cpu];
}
