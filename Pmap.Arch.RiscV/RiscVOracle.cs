
namespace Pmap.Arch.RiscV;

/// <summary>How RISC-V is checked against a real MMU: QEMU's virt hart in S-mode with Sv39 in satp, walked by the monitor.</summary>
public static class RiscVOracle
{
    /// <summary>
    /// QEMU virt (RAM at 0x80000000) without firmware; Xen runs its stage 1 in Sv39 (RV_STAGE1_MODE SATP_MODE_SV39,
    /// asm/config.h); no real Xen is booted.
    /// </summary>
    public static VerificationTarget Target { get; } = new("qemu-system-riscv64", "qemu-system-misc", ["-M", "virt", "-bios", "none"],
        0x8000_0000, new RiscVSv39());
}
