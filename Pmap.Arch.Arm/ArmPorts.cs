
namespace Pmap.Arch.Arm;

/// <summary>What each Arm port states, side by side: the facts an <see cref="ArmModel"/> is built from.</summary>
public static class ArmPorts
{
    /// <summary>
    /// VMSAv8-64 at EL2 (HYP_PT_ROOT_LEVEL 0), str, tlbi vae2 (operand VA &gt;&gt; 12); QEMU virt's 2 GiB at 0x40000000, Xen 2 MiB aligned
    /// low in it; the image of each branch's examined build (<see cref="Arm64Builds"/>).
    /// </summary>
    public static ArmPort Arm64 { get; } = new("arm64", new(RootLevel: 0, LeafLevel: 3, VaBits: 48, PaBits: 48, VaRange.ZeroExtended),
        new LpaeCodec(), new ArmInstructions("arm64", "str", "tlbi vae2", "tlbi vae2is", "tlbi alle2", "tlbi alle2is"), Page.Shift, new(new PhysAddr(0x40000000), 2UL << 30), new(0x40200000),
        ["xen_pgtable", "xen_first", "xen_second"], Arm64Builds.Layout)
    {
        Description = "AArch64 at EL2: VMSAv8-64, 4 KiB granule, 4 levels, 48-bit VA and PA",
        Layouts = ArmLayouts.Arm64,
        BitsPerLong = 64,
        WritePte417 = "arch/arm/include/asm/arm64/page.h:9",
    };

    /// <summary>
    /// LPAE in Hyp mode (root level 1), strd, TLBIMVAH; cpu0_pgtable is CPU0's root (per_cpu(xen_pgtable, 0)). QEMU virt's RAM
    /// at 0x40000000; 1 GiB keeps the bank inside a 32-bit VA-sized view.
    /// </summary>
    public static ArmPort Arm32 { get; } = new("arm32", new(RootLevel: 1, LeafLevel: 3, VaBits: 32, PaBits: 40, VaRange.ZeroExtended),
        new LpaeCodec(paBits: 40), new ArmInstructions("arm32", "strd", "TLBIMVAH", "TLBIMVAHIS", "TLBIALLH", "TLBIALLHIS"), 0, new(new PhysAddr(0x40000000), 1UL << 30),
        new(0x40200000), ["cpu0_pgtable", "xen_second"])
    {
        Description = "ARMv7-A in Hyp mode: LPAE long descriptors, 3 levels, 32-bit VA, 40-bit PA",
        Layouts = ArmLayouts.Arm32,
        BitsPerLong = 32,
        WritePte417 = "arch/arm/include/asm/arm32/page.h:11",
    };
}

/// <summary>
/// Where each Arm port puts Xen and its fixmap in each layout era (asm/config.h), both ports in one table so
/// that a reader sees them side by side: XEN_VIRT_START, FIXMAP_ADDR(0), the commit that set them, and the
/// number of xen_xenmap pages.
/// </summary>
public static class ArmLayouts
{
    private static readonly (ArmLayoutEra Era, int XenmapPages, (ulong Virt, ulong Fixmap, string Commit) Arm64,
        (ulong Virt, ulong Fixmap, string Commit) Arm32)[] Rows =
    [
        (ArmLayoutEra.Xen417, 1, (0x200000, 0x400000, "2b36ebd4a2ff"), (0x200000, 0x400000, "2b36ebd4a2ff")),
        // XEN_VIRT_SIZE 8 MiB from 4.18 puts the fixmap at +10 MiB; arm64 also moves to SLOT0(4).
        (ArmLayoutEra.Xen418, 4, (0x0000020000200000, 0x0000020000A00000, "abb1522832bb"), (0x200000, 0x00A00000, "abb1522832bb")),
        // 4.19's move past the 10 TB identity map (6cd046c501) is arm64's only.
        (ArmLayoutEra.Xen419, 4, (0x00000A0000200000, 0x00000A0000A00000, "6cd046c501bc"), (0x200000, 0x00A00000, "abb1522832bb")),
    ];

    public static IReadOnlyDictionary<ArmLayoutEra, ArmLayout> Arm64 { get; } =
        Rows.ToDictionary(r => r.Era, r => new ArmLayout(r.Arm64.Fixmap, r.Arm64.Virt, r.XenmapPages, r.Arm64.Commit));

    public static IReadOnlyDictionary<ArmLayoutEra, ArmLayout> Arm32 { get; } =
        Rows.ToDictionary(r => r.Era, r => new ArmLayout(r.Arm32.Fixmap, r.Arm32.Virt, r.XenmapPages, r.Arm32.Commit));
}
