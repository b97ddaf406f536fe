namespace Pmap.Qemu;

/// <summary>
/// Hand-assembled programs that set up the Arm EL2/Hyp translation regime and translate a list of VAs with
/// the address-translation instructions, storing each PAR. Inputs come in registers set through the gdbstub;
/// the program ends spinning at <see cref="DoneOffset"/>, where the probe sets a breakpoint.
/// </summary>
internal sealed record ArmStub(uint[] Words, int DoneOffset, int VaBytes)
{
    /// <summary>
    /// AArch64, run at EL3 with the MMU off.
    /// In: x0 = VA list (8 bytes each), x1 = PAR output, x2 = count, x3 = TTBR0_EL2, x4 = TCR_EL2,
    /// x5 = MAIR_EL2, x6 = SCTLR_EL2, x9 = SCR_EL3, x10 = VBAR_EL3.
    /// </summary>
    public static ArmStub Arm64(bool write) => new(
    [
        0xD51E1109, //  0: msr  scr_el3, x9        NS=1 so AT S1E2* uses the Non-secure EL2 regime
        0xD51EC00A, //  1: msr  vbar_el3, x10      vectors that spin, so a fault stops at a breakpoint
        0xD51C2003, //  2: msr  ttbr0_el2, x3
        0xD51C2044, //  3: msr  tcr_el2, x4
        0xD51CA205, //  4: msr  mair_el2, x5
        0xD5033FDF, //  5: isb
        0xD51C1006, //  6: msr  sctlr_el2, x6
        0xD5033FDF, //  7: isb
        0xD50C871F, //  8: tlbi alle2              nothing cached from an earlier batch
        0xD5033F9F, //  9: dsb  sy
        0xD5033FDF, // 10: isb
        0xB4000102, // 11: loop: cbz x2, done (+8 words)
        0xF8408407, // 12: ldr  x7, [x0], #8
        write ? 0xD50C7827u   // 13: at s1e2w, x7
              : 0xD50C7807u,  // 13: at s1e2r, x7
        0xD5033FDF, // 14: isb                     PAR is valid only after a context synchronisation
        0xD5387408, // 15: mrs  x8, par_el1
        0xF8008428, // 16: str  x8, [x1], #8
        0xD1000442, // 17: sub  x2, x2, #1
        0x17FFFFF9, // 18: b    loop (-7 words)
        0x14000000, // 19: done: b .
    ], DoneOffset: 19 * 4, VaBytes: 8);

    /// <summary>Where the AArch64 stub's exception vectors go, relative to the stub (2 KiB aligned).</summary>
    public const int Arm64VectorsOffset = 0x800;

    /// <summary>The 16 AArch64 vector entries: each one spins (<c>b .</c>), 0x80 bytes apart.</summary>
    public static uint[] Arm64Vectors()
    {
        var words = new uint[0x800 / 4];
        for (int entry = 0; entry < 16; entry++) words[entry * 0x20] = 0x14000000; // b .
        return words;
    }

    /// <summary>
    /// AArch32 (A32), run in Monitor mode with the MMU off. Sets SCR.NS, which makes the Hyp registers and ATS1H*
    /// usable from Monitor mode.
    /// In: r0 = VA list (4 bytes each), r1 = PAR output (8 bytes each), r9 = count, r3:r2 = HTTBR, r4 = HTCR,
    /// r5 = HMAIR0, r6 = HMAIR1, r7 = HSCTLR.
    /// </summary>
    public static ArmStub Arm32(bool write) => new(
    [
        0xEE11CF11, //  0: mrc  p15, 0, r12, c1, c1, 0   read SCR
        0xE3CCE001, //  1: bic  lr, r12, #1              lr = SCR with NS clear
        0xE38CC001, //  2: orr  r12, r12, #1             r12 = SCR with NS set
        0xEE01CF11, //  3: mcr  p15, 0, r12, c1, c1, 0
        0xF57FF06F, //  4: isb
        0xEC432F42, //  5: mcrr p15, 4, r2, r3, c2       HTTBR
        0xEE824F50, //  6: mcr  p15, 4, r4, c2, c0, 2    HTCR
        0xEE8A5F12, //  7: mcr  p15, 4, r5, c10, c2, 0   HMAIR0
        0xEE8A6F32, //  8: mcr  p15, 4, r6, c10, c2, 1   HMAIR1
        0xF57FF06F, //  9: isb
        0xEE817F10, // 10: mcr  p15, 4, r7, c1, c0, 0    HSCTLR
        0xF57FF06F, // 11: isb
        0xEE880F17, // 12: mcr  p15, 4, r0, c8, c7, 0    TLBIALLH
        0xF57FF04F, // 13: dsb  sy
        0xF57FF06F, // 14: isb
        0xE3590000, // 15: loop: cmp r9, #0
        0x0A00000B, // 16: beq  done
        0xE4908004, // 17: ldr  r8, [r0], #4
        write ? 0xEE878F38u   // 18: mcr p15, 4, r8, c7, c8, 1   ATS1HW
              : 0xEE878F18u,  // 18: mcr p15, 4, r8, c7, c8, 0   ATS1HR
        0xF57FF06F, // 19: isb
        // QEMU files the result in the Secure PAR (Monitor mode is Secure) but, with SCR.NS set, mrrc reads
        // the Non-secure one: clear NS around the read.
        0xEE01EF11, // 20: mcr  p15, 0, lr, c1, c1, 0
        0xF57FF06F, // 21: isb
        0xEC5BAF07, // 22: mrrc p15, 0, r10, r11, c7     64-bit PAR
        0xEE01CF11, // 23: mcr  p15, 0, r12, c1, c1, 0
        0xF57FF06F, // 24: isb
        0xE481A004, // 25: str  r10, [r1], #4
        0xE481B004, // 26: str  r11, [r1], #4
        0xE2499001, // 27: sub  r9, r9, #1
        0xEAFFFFF1, // 28: b    loop
        0xEAFFFFFE, // 29: done: b .
    ], DoneOffset: 29 * 4, VaBytes: 4);

    /// <summary>The AArch32 exception vectors (VBAR is 0 at reset): undefined, SVC, prefetch and data abort.</summary>
    public static readonly ulong[] Arm32VectorAddresses = [0x04, 0x08, 0x0C, 0x10, 0x18, 0x1C];

    public byte[] Bytes()
    {
        var bytes = new byte[Words.Length * 4];
        for (int i = 0; i < Words.Length; i++) BitConverter.TryWriteBytes(bytes.AsSpan(i * 4), Words[i]);
        return bytes;
    }
}

/// <summary>Reads the 64-bit (LPAE-format) PAR that AT/ATS1H* leave behind.</summary>
internal static class ArmPar
{
    private const ulong PaMask = 0x000F_FFFF_FFFF_F000; // PA[51:12]

    public static ProbeResult Decode(ulong va, ulong par)
    {
        if ((par & 1) == 0) return new ProbeResult(va, (par & PaMask) | (va & 0xFFF), null, null) { Par = par };
        int fst = (int)(par >> 1) & 0x3F;
        int level = fst & 3;
        (string kind, int? lvl) = (fst >> 2) switch
        {
            0b0000 => ("address-size", level),
            0b0001 => ("translation", level),
            0b0010 => ("access-flag", level),
            0b0011 => ("permission", level),
            0b0101 => ("external-abort-on-walk", level),
            0b0111 => ("parity-on-walk", level),
            _ => fst switch
            {
                0b010000 => ("external-abort", (int?)null),
                0b100001 => ("alignment", null),
                0b110000 => ("tlb-conflict", null),
                _ => ($"fst-0x{fst:x2}", null),
            },
        };
        return new ProbeResult(va, null, lvl, kind) { Par = par };
    }
}
