
namespace Pmap.Arch.Arm;

/// <summary>
/// The stage-1 LPAE descriptor Xen calls lpae_t (arch/arm/include/asm/lpae.h, the <c>pt</c> view), the
/// memory types of asm/page.h and the hypervisor mapping flags. Same 64-bit layout on Arm32 and Arm64.
/// </summary>
public static class Lpae
{
    // lpae_pt_t bitfields, LSB first.
    public const ulong Valid = 1UL << 0;
    /// <summary>1 for table links and for level-3 page entries.</summary>
    public const ulong Table = 1UL << 1;
    public const int AiShift = 2;
    public const ulong AiMask = 7UL << AiShift;
    public const ulong Ns = 1UL << 5;
    /// <summary>AP[1]; RES1 in the EL2 regime.</summary>
    public const ulong Up = 1UL << 6;
    /// <summary>AP[2]: read-only.</summary>
    public const ulong Ro = 1UL << 7;
    public const int ShShift = 8;
    public const ulong ShMask = 3UL << ShShift;
    public const ulong Af = 1UL << 10;
    public const ulong Ng = 1UL << 11;
    public const int BaseShift = 12;
    /// <summary>base: a 36-bit field, bits 47..12.</summary>
    public const ulong BaseMask = ((1UL << 36) - 1) << BaseShift;
    public const ulong Contig = 1UL << 52;
    public const ulong Pxn = 1UL << 53;
    public const ulong Xn = 1UL << 54;
    public const int AvailShift = 55;
    public const ulong AvailMask = 0xFUL << AvailShift;
    public const ulong PxnTable = 1UL << 59;
    public const ulong XnTable = 1UL << 60;
    public const int ApTableShift = 61;
    public const ulong ApTableMask = 3UL << ApTableShift;
    public const ulong NsTable = 1UL << 63;

    // Shareability (asm/page.h; Xen spells 1 "LPAE_SH_UNPREDICTALE").
    public const ulong ShNonShareable = 0, ShUnpredictable = 1, ShOuter = 2, ShInner = 3;

    // Memory types: AttrIndx values (asm/page.h), with their MAIR bytes.
    public const uint MtDeviceNGnRnE = 0, MtNormalNc = 1, MtNormalWt = 2, MtNormalWb = 3, MtDeviceNGnRE = 4, MtNormal = 7;

    // Hypervisor mapping flags (asm/page.h): [2:0] AI, 3 XN, 4 RO, 5 PRESENT, 6 POPULATE, 7 BLOCK, 8 CONTIG.
    public const uint PageXn = 1u << 3, PageRo = 1u << 4, PagePresent = 1u << 5, PagePopulate = 1u << 6, PageBlock = 1u << 7, PageContig = 1u << 8;
    public const uint PageNormal = MtNormal | PagePresent;              // _PAGE_NORMAL 0x27
    public const uint PageDevice = PageXn | PagePresent;               // _PAGE_DEVICE 0x28
    public const uint PageHypervisorRw = PageNormal | PageXn;          // 0x2F = PAGE_HYPERVISOR
    public const uint PageHypervisorRo = PageNormal | PageRo | PageXn; // 0x3F
    public const uint PageHypervisorRx = PageNormal | PageRo;          // 0x37
    public const uint PageHypervisorNocache = PageDevice | MtDeviceNGnRE; // 0x2C
    public const uint PageHypervisorWc = PageDevice | MtNormalNc;      // 0x29

    public static uint PageAiMask(uint flags) => flags & 7;
    public static bool PageXnMask(uint flags) => ((flags >> 3) & 1) != 0;
    public static bool PageRoMask(uint flags) => ((flags >> 4) & 1) != 0;

    public static string MemoryTypeName(ulong ai) => ai switch
    {
        MtDeviceNGnRnE => "MT_DEVICE_nGnRnE (MAIR 0x00)",
        MtNormalNc => "MT_NORMAL_NC (MAIR 0x44)",
        MtNormalWt => "MT_NORMAL_WT (MAIR 0xaa)",
        MtNormalWb => "MT_NORMAL_WB (MAIR 0xee)",
        MtDeviceNGnRE => "MT_DEVICE_nGnRE (MAIR 0x04)",
        5 => "unused MAIR slot",
        6 => "reserved MAIR slot",
        MtNormal => "MT_NORMAL (MAIR 0xff, write-back write-allocate)",
        _ => "?",
    };

    public static bool IsValid(ulong pte) => (pte & Valid) != 0;

    /// <summary>lpae_is_table(pte, level): level &lt; 3 and the table bit.</summary>
    public static bool IsTable(ulong pte, int level) => level < 3 && (pte & Table) != 0;

    /// <summary>lpae_is_mapping(pte, level): at level 3 the table bit, above it its absence.</summary>
    public static bool IsMapping(ulong pte, int level) => level == 3 ? (pte & Table) != 0 : (pte & Table) == 0;

    public static Mfn GetMfn(ulong pte) => new((pte & BaseMask) >> BaseShift);

    /// <summary>lpae_set_mfn: the MFN lands in the 36-bit base field (truncated like the bitfield).</summary>
    public static ulong SetMfn(ulong pte, Mfn mfn) => (pte & ~BaseMask) | ((mfn.Value << BaseShift) & BaseMask);

    /// <summary>
    /// mfn_to_xen_entry(mfn, attr) (4.17 arch/arm/mm.c; HEAD mmu/pt.c): valid, ns, up, af, ng, xn set;
    /// ai is attr truncated to 3 bits; shareability from a switch on the FULL attr value; then
    /// ASSERT(!(mfn_to_maddr(mfn) &amp; ~PADDR_MASK)) (evaluated only when <paramref name="debug"/>).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static ulong MfnToXenEntry(Mfn mfn, uint attr, int paddrBits, bool debug)
    {
        ulong e = Valid | ((attr & 7UL) << AiShift) | Ns | Up | Af | Ng | Xn;
        var sh = attr switch
        {
            MtNormalNc => ShOuter,
            MtDeviceNGnRnE or MtDeviceNGnRE => ShOuter,
            _ => ShInner, // "Xen mappings are SMP coherent"
        };
        e |= sh << ShShift;
        var beyondPaddr = mfn.Value > ((1UL << paddrBits) - 1) >> Page.Shift;
        if (debug && beyondPaddr) throw BeyondPaddr();
        return SetMfn(e, mfn);
    }

    // Built out of line, so that mfn_to_xen_entry inlines into the PTE stores that call it.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static XenAssertException BeyondPaddr() =>
        new("!(mfn_to_maddr(mfn) & ~PADDR_MASK)", "mfn_to_xen_entry", "arch/arm/mm.c");
}
