
namespace Pmap.Arch.Arm;

/// <summary>
/// Classifies and decodes LPAE descriptors with a 4 KiB granule at levels 0 (arm64) or 1 (arm32) to 3.
/// Level 0 has no block descriptor (4 KiB granule); level 3 needs the table bit (page) and treats
/// its absence as reserved.
/// </summary>
/// <param name="paBits">PADDR_BITS: bits of the output address above it are RES0 (arm32: 47:40).</param>
public sealed class LpaeCodec(int paBits = 48) : IPteCodec
{
    // Output address bits (paBits-1):12; what lies between paBits and bit 51 is RES0.
    private readonly ulong _addressMask = Lpae.BaseMask & ((1UL << paBits) - 1);

    public PteKind Classify(ulong raw, int level)
    {
        if (!Lpae.IsValid(raw)) return PteKind.Invalid;
        var table = (raw & Lpae.Table) != 0;
        if (level == 3) return table ? PteKind.Page : PteKind.Reserved;
        if (table) return PteKind.Table;
        return level == 0 ? PteKind.Reserved : PteKind.Block;
    }

    public PteKind WalkStep(ulong raw, int level, out PhysAddr output)
    {
        output = default;
        if ((raw & Lpae.Valid) == 0) return PteKind.Invalid;
        var table = (raw & Lpae.Table) != 0;
        if (level == 3)
        {
            if (!table) return PteKind.Reserved;
            output = new PhysAddr(raw & _addressMask);
            return PteKind.Page;
        }
        if (table)
        {
            output = new PhysAddr(raw & _addressMask);
            return PteKind.Table;
        }
        if (level == 0) return PteKind.Reserved;
        output = OutputAddress(raw, level);
        return PteKind.Block;
    }

    public PhysAddr OutputAddress(ulong raw, int level)
    {
        if (level == 3 || (raw & Lpae.Table) != 0) return new PhysAddr(raw & _addressMask);
        var shift = Page.Shift + Page.EntriesPerTableShift * (3 - level);
        return new PhysAddr(raw & _addressMask & ~((1UL << shift) - 1)); // a block: the low bits are RES0
    }

    /// <summary>Bits 47:12 replaced; a block's low output bits stay as they were (RES0 to the walk).</summary>
    public ulong WithOutputAddress(ulong raw, int level, PhysAddr pa)
    {
        if ((pa.Value & ~Lpae.BaseMask) != 0) throw new NotSupportedException($"{pa} does not fit an LPAE output address (bits 47:12)");
        return (raw & ~Lpae.BaseMask) | pa.Value;
    }

    /// <summary>EL2's stage-1 view: AP[2] read-only, XN, nG, the Contiguous bit, and the MAIR index by Xen's MT_ name.</summary>
    public PteAttributes Attributes(ulong raw, int level) => new(
        Lpae.MemoryTypeName((raw & Lpae.AiMask) >> Lpae.AiShift).Split(' ')[0], Write: (raw & Lpae.Ro) == 0, Execute: (raw & Lpae.Xn) == 0,
        Global: (raw & Lpae.Ng) == 0, Contiguous: (raw & Lpae.Contig) != 0);

    public IReadOnlyList<PteField> Fields(ulong raw, int level, PteKind kind)
    {
        var f = new List<PteField>
        {
            PteFlags.Valid(raw, 0, "Valid"),
            PteField.Bit(raw, 1, level == 3 ? "Page" : "Table", v => (level, v) switch
            {
                (3, 1) => "page descriptor",
                (3, _) => "reserved at level 3",
                (0, 0) => "block not allowed at level 0 (4 KiB granule)",
                (_, 1) => "table descriptor: next level",
                _ => "block descriptor",
            }),
        };
        if (kind == PteKind.Table)
        {
            const string ignored = "ignored by the walk in a table descriptor (Xen writes it as for a leaf)";
            f.Add(PteField.Of(raw, 4, 2, "AttrIndx", v => $"{Lpae.MemoryTypeName(v)}; {ignored}"));
            f.Add(PteField.Of(raw, 11, 5, "LowerAttributes", _ => ignored));
            f.Add(Address(raw, "NextLevelTable", "address of the next-level table"));
            f.Add(PteField.Of(raw, 58, 52, "Ignored", _ => "ignored in a table descriptor (Xen's xn bit 54 lands here)"));
            f.Add(PteFlags.Flag(raw, 59, "PXNTable", "privileged execute-never below", "no restriction"));
            f.Add(PteFlags.Flag(raw, 60, "XNTable", "execute-never below", "no restriction"));
            f.Add(PteField.Of(raw, 62, 61, "APTable", v => v switch
            {
                0 => "no restriction",
                1 => "no EL0 access below",
                2 => "read-only below",
                _ => "read-only, no EL0 access below",
            }));
            f.Add(PteFlags.Flag(raw, 63, "NSTable", "next level is non-secure", "as this level"));
        }
        else
        {
            f.Add(PteField.Of(raw, 4, 2, "AttrIndx", Lpae.MemoryTypeName));
            f.Add(PteFlags.Flag(raw, 5, "NS", "non-secure", "secure"));
            f.Add(PteFlags.Flag(raw, 6, "AP[1]", "set (RES1 at EL2; Xen's 'up')", "clear"));
            f.Add(PteFlags.ReadOnly(raw, 7, "AP[2]"));
            f.Add(PteField.Of(raw, 9, 8, "SH", v => v switch
            {
                Lpae.ShNonShareable => "non-shareable",
                Lpae.ShUnpredictable => "reserved (UNPREDICTABLE)",
                Lpae.ShOuter => "outer shareable",
                _ => "inner shareable",
            }));
            f.Add(PteFlags.Accessed(raw, 10, "AF", note: ": first access faults"));
            f.Add(PteFlags.NotGlobal(raw, 11, "nG", " (ASID-tagged)"));
            f.Add(Address(raw, "OutputAddress", kind == PteKind.Block ? $"{Hex.FormatSize(1UL << (12 + 9 * (3 - level)))} block base" : "page base"));
            f.Add(PteField.Of(raw, 51, paBits, "RES0", v => v == 0 ? "zero" : $"non-zero: reserved bits set (beyond the {paBits}-bit PA)"));
            f.Add(PteFlags.Flag(raw, 52, "Contiguous", "one of 16 adjacent entries that may share a TLB entry", "no"));
            f.Add(PteFlags.Flag(raw, 53, "PXN", "privileged execute-never", "no"));
            f.Add(PteFlags.ExecuteNever(raw, 54, "XN"));
            f.Add(PteField.Of(raw, 58, 55, "Software", v => v == 0 ? "none" : "software-defined bits (Xen's avail)"));
            f.Add(PteField.Of(raw, 63, 59, "Ignored", v => v == 0 ? "zero" : "ignored by hardware"));
        }
        return f;
    }



    private PteField Address(ulong raw, string name, string meaning) => new(name, paBits - 1, 12, raw & _addressMask, meaning);
}
