using Pmap.Core.Arch;
using Pmap.Qemu;

namespace Pmap.Verify.Tests;

/// <summary>Each bundled port's oracle: the regime Xen sets, with the values its head.S and headers give.</summary>
public class OracleTests
{
    [Fact]
    public void Arm_ports_state_the_registers_xen_sets()
    {
        var arm64 = Assert.IsType<Aarch64El2Stage1>(Models.Model("arm64").Oracle!.Regime);
        // TCR_RES1 (31, 23) | PS=0b101 (48-bit PA) <<16 | SH0_IS 3<<12 | ORGN0_WBWA 1<<10 | IRGN0_WBWA 1<<8 | T0SZ 16 (arm64/head.S)
        Assert.Equal(0x8085_3510UL, arm64.TcrEl2);
        // MAIRVAL: 0xff MT_NORMAL(7), 0x04 MT_DEVICE_nGnRE(4), 0xee WB(3), 0xaa WT(2), 0x44 NC(1), 0x00 nGnRnE(0) (asm/page.h)
        Assert.Equal(0xFF00_0004_EEAA_4400UL, arm64.MairEl2);
        // SCTLR_EL2_SET (RES1 0x30c50830 | SA 1<<3 | I 1<<12) | M | C once the MMU is on
        Assert.Equal(0x30C5_183DUL, arm64.SctlrEl2);

        var arm32 = Assert.IsType<Aarch32Hyp>(Models.Model("arm32").Oracle!.Regime);
        Assert.Equal(0x8000_3500UL, arm32.Htcr);                               // TCR_RES1 (31 only on arm32) | walk attributes | T0SZ 0
        Assert.Equal((0xEEAA_4400UL, 0xFF00_0004UL), (arm32.Hmair0, arm32.Hmair1)); // MAIR0VAL, MAIR1VAL
        Assert.Equal(0x30C5_187FUL, arm32.Hsctlr);                             // HSCTLR_SET (RES1 0x30c50878 | A | I) | M | C
    }

    [Fact]
    public void X86_and_riscv_state_xens_paging_registers()
    {
        var x86 = Assert.IsType<X86FourLevelPaging>(Models.Model("x86").Oracle!.Regime);
        // trampoline.S: CR0 PG|AM|WP|NE|ET|MP|PE; XEN_MINIMAL_CR4 PGE|PAE; trampoline_efer LME|SCE, plus NX
        Assert.Equal((0x8005_0033UL, 0xA0UL, 0x901UL), (x86.Cr0, x86.Cr4, x86.Efer));
        Assert.Equal(8UL, Models.Model("riscv").Oracle!.Regime.Registers["satp.MODE"]); // Sv39
    }

    [Fact]
    public void Only_the_arm_ports_can_boot_a_real_xen_image()
    {
        Assert.Equal(["arm64", "arm32"], ((IEnumerable<string>)["arm64", "arm32", "x86", "riscv"]).Where(a => Models.Model(a).Oracle!.XenBoot is not null));
    }

    [Fact]
    public void The_probe_target_is_the_oracle_unchanged()
    {
        var oracle = Models.Model("x86").Oracle!;
        var target = VerifyTargets.For(oracle);
        Assert.Equal((QemuRegime.X86FourLevelPaging, oracle.QemuBinary, oracle.DebianPackage, oracle.RamBase),
            (target.Regime, target.Binary, target.DebianPackage, target.RamBase));
        Assert.Equal(oracle.Regime.Registers, target.Registers);
        Assert.Equal([new PhysWindow(0xA_0000, 0x6_0000)], target.Holes);
    }
}
