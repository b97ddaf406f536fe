
namespace Pmap.Arch.X86;

/// <summary>How x86 is checked against a real MMU: QEMU's PC with Xen's 4-level paging registers, walked by the monitor.</summary>
public static class X86Oracle
{
    // asm/x86-defns.h and msr-index.h.
    private const ulong Cr0Pe = 0x1, Cr0Mp = 0x2, Cr0Et = 0x10, Cr0Ne = 0x20, Cr0Wp = 0x1_0000, Cr0Am = 0x4_0000, Cr0Pg = 0x8000_0000;
    private const ulong Cr4Pae = 0x20, Cr4Pge = 0x80;
    private const ulong EferSce = 0x1, EferLme = 0x100, EferNxe = 0x800;

    /// <summary>
    /// boot/trampoline.S: CR0 = PG|AM|WP|NE|ET|MP|PE (0x80050033); CR4 = XEN_MINIMAL_CR4, PGE|PAE (asm/processor.h);
    /// EFER = trampoline_efer, LME|SCE (CONFIG_PV) with NX added when the CPU has it, as qemu64 does.
    /// </summary>
    public static X86FourLevelPaging Regime { get; } = new(
        Cr0: Cr0Pg | Cr0Am | Cr0Wp | Cr0Ne | Cr0Et | Cr0Mp | Cr0Pe, Cr4: Cr4Pge | Cr4Pae, Efer: EferLme | EferSce | EferNxe);

    /// <summary>QEMU's PC (its RAM from 0, less the legacy VGA/BIOS hole at 0xa0000), qemu64 with 1 GiB pages; no real Xen is booted.</summary>
    public static VerificationTarget Target { get; } = new("qemu-system-x86_64", "qemu-system-x86", ["-M", "pc", "-cpu", "qemu64,+pdpe1gb"],
        0, Regime)
    {
        RamHoles = [new RamHole(0xA_0000, 0x6_0000)],
    };
}
