
namespace Pmap.Arch.RiscV;

/// <summary>The RISC-V pte_t of Xen (asm/page.h): V R W X U G A D, RSW, the PPN at bit 10, Svpbmt, N.</summary>
public static class Sv39Pte
{
    public const ulong V = 1 << 0, R = 1 << 1, W = 1 << 2, X = 1 << 3, U = 1 << 4, G = 1 << 5, A = 1 << 6, D = 1 << 7;
    public const int PpnShift = 10;                      // PTE_PPN_SHIFT
    public const ulong PpnMask = 0x003F_FFFF_FFFF_FC00;  // PTE_PPN_MASK: bits 53..10 (44-bit PPN)
    public const ulong PageHypervisorRw = V | R | W;     // PAGE_HYPERVISOR_RW = 0x7
    public const ulong PteTable = V;                     // PTE_TABLE

    /// <summary>pte_from_mfn(mfn, flags) = (mfn &lt;&lt; PTE_PPN_SHIFT) | flags.</summary>
    public static ulong FromMfn(Mfn mfn, ulong flags) => ((mfn.Value << PpnShift) & PpnMask) | flags;

    public static Mfn GetMfn(ulong pte) => new((pte & PpnMask) >> PpnShift);

    public static bool IsValid(ulong pte) => (pte & V) != 0;

    /// <summary>pte_is_table: (pte &amp; (V|R|W|X)) == V.</summary>
    public static bool IsTable(ulong pte) => (pte & (V | R | W | X)) == V;
}

/// <summary>Sv39 entries at levels 2 (root, 1 GiB leaves), 1 (2 MiB) and 0 (4 KiB).</summary>
public sealed class Sv39Codec : IPteCodec
{
    public PteKind Classify(ulong raw, int level)
    {
        if (!Sv39Pte.IsValid(raw)) return PteKind.Invalid;
        if (Sv39Pte.IsTable(raw)) return level == 0 ? PteKind.Reserved : PteKind.Table; // no table below level 0
        if ((raw & (Sv39Pte.W | Sv39Pte.R)) == Sv39Pte.W) return PteKind.Reserved;      // W without R is reserved
        if (level > 0 && (Sv39Pte.GetMfn(raw).Value & ((1UL << (9 * level)) - 1)) != 0) return PteKind.Reserved; // misaligned superpage
        return level == 0 ? PteKind.Page : PteKind.Block;
    }

    public PhysAddr OutputAddress(ulong raw, int level) => Sv39Pte.GetMfn(raw).ToPhysAddr();

    /// <summary>The PPN (bits 53:10) replaced: the address is stored shifted, so the interface default does not apply.</summary>
    public ulong WithOutputAddress(ulong raw, int level, PhysAddr pa)
    {
        if (pa.PageOffset != 0 || Sv39Pte.FromMfn(pa.ToMfn(), 0) >> Sv39Pte.PpnShift != pa.ToMfn().Value)
            throw new NotSupportedException($"{pa} does not fit a Sv39 PPN");
        return (raw & ~Sv39Pte.PpnMask) | Sv39Pte.FromMfn(pa.ToMfn(), 0);
    }

    /// <summary>R/W/X, G, PBMT as the memory type, and Svnapot's N bit as the contiguous hint.</summary>
    public PteAttributes Attributes(ulong raw, int level) => new(
        ((raw >> 61) & 3) switch { 0 => "PMA", 1 => "NC", 2 => "IO", _ => "reserved" },
        Write: (raw & Sv39Pte.W) != 0, Execute: (raw & Sv39Pte.X) != 0,
        Global: (raw & Sv39Pte.G) != 0, Contiguous: (raw >> 63) != 0);

    public IReadOnlyList<PteField> Fields(ulong raw, int level, PteKind kind) =>
    [
            PteFlags.Valid(raw, 0, "V"),
            PteFlags.Flag(raw, 1, "R", "readable", "not readable"),
            PteFlags.Writable(raw, 2, "W"),
            PteFlags.Executable(raw, 3, "X"),
            PteFlags.User(raw, 4, "U"),
            PteFlags.Global(raw, 5, "G"),
            PteFlags.Accessed(raw, 6, "A", kind.IsLeaf(), ": a hart with Svade faults on access"),
            PteFlags.Dirty(raw, 7, "D", kind.IsLeaf(), ": a hart with Svade faults on a store"),
            PteField.Of(raw, 9, 8, "RSW", v => v == 0 ? "none" : "reserved for software"),
            new("PPN", 53, 10, Sv39Pte.GetMfn(raw).ToPhysAddr().Value,
                kind == PteKind.Table ? "next-level table" : "page frame (shown as the address)"),
            PteField.Of(raw, 60, 54, "Reserved", v => v == 0 ? "zero" : "reserved bits set"),
            PteField.Of(raw, 62, 61, "PBMT", v => v switch { 0 => "PMA", 1 => "NC (non-cacheable)", 2 => "IO", _ => "reserved" }),
            PteFlags.Flag(raw, 63, "N", "NAPOT (Svnapot)", "no"),
    ];
}
