
namespace Pmap.Arch.X86;

/// <summary>
/// x86-64 page-table entries as Xen builds them (asm/page.h, asm/x86_64/page.h): a 24-bit flag word whose
/// bits 12..23 land in PTE bits 52..63 (put_pte_flags / get_pte_flags).
/// </summary>
public static class X86Pte
{
    public const uint Present = 0x001, Rw = 0x002, User = 0x004, Pwt = 0x008, Pcd = 0x010, Accessed = 0x020, Dirty = 0x040;
    /// <summary>_PAGE_PSE at L2/L3, _PAGE_PAT at L1.</summary>
    public const uint Pse = 0x080;
    public const uint Global = 0x100;
    public const uint NxBit = 1u << 23; // _PAGE_NX_BIT: PTE bit 63
    public const uint HypervisorRw = Present | Rw | Accessed | Dirty | Global; // PAGE_HYPERVISOR_RW = 0x163 (+ _PAGE_NX)
    public const uint IntermediateFlags = Present | Rw | Accessed | Dirty;     // __PAGE_HYPERVISOR = 0x63
    public const ulong AddressMask = 0x000F_FFFF_FFFF_F000;                    // PADDR_MASK & PAGE_MASK, 52-bit PA

    /// <summary>put_pte_flags(x): ((x &amp; ~0xfff) &lt;&lt; 40) | (x &amp; 0xfff).</summary>
    public static ulong PutPteFlags(uint flags) => ((ulong)(flags & ~0xFFFu) << 40) | (flags & 0xFFFu);

    /// <summary>get_pte_flags(pte): ((pte &gt;&gt; 40) &amp; ~0xfff) | (pte &amp; 0xfff).</summary>
    public static uint GetPteFlags(ulong pte) => (uint)(((pte >> 40) & ~0xFFFUL) | (pte & 0xFFF));

    /// <summary>l1e_from_mfn(mfn, flags) (and l2e/l3e/l4e alike): (mfn &lt;&lt; 12) | put_pte_flags(flags).</summary>
    public static ulong FromMfn(Mfn mfn, uint flags) => (mfn.Value << Page.Shift) | PutPteFlags(flags);

    /// <summary>PAGE_HYPERVISOR with _PAGE_NX only when the CPU has NX (#define _PAGE_NX (cpu_has_nx ? _PAGE_NX_BIT : 0)).</summary>
    public static uint PageHypervisor(bool cpuHasNx) => HypervisorRw | (cpuHasNx ? NxBit : 0);
}

/// <summary>Classifies and decodes 4-level x86-64 entries (levels 4..1).</summary>
public sealed class X86Codec : IPteCodec
{
    public PteKind Classify(ulong raw, int level)
    {
        if ((raw & X86Pte.Present) == 0) return PteKind.Invalid;
        if (level == 1) return PteKind.Page;
        if ((raw & X86Pte.Pse) == 0) return PteKind.Table;
        return level is 2 or 3 ? PteKind.Block : PteKind.Reserved; // PS is reserved in a PML4 entry
    }

    public PhysAddr OutputAddress(ulong raw, int level)
    {
        var mask = X86Pte.AddressMask;
        if (Classify(raw, level) == PteKind.Block) mask &= ~((1UL << (Page.Shift + 9 * (level - 1))) - 1); // bit 12 is PAT there
        return new PhysAddr(raw & mask);
    }

    /// <summary>Address bits 51:12 replaced (a large page's PAT bit 12 kept).</summary>
    public ulong WithOutputAddress(ulong raw, int level, PhysAddr pa)
    {
        var mask = X86Pte.AddressMask;
        if (Classify(raw, level) == PteKind.Block) mask &= ~((1UL << (Page.Shift + 9 * (level - 1))) - 1);
        if ((pa.Value & ~mask) != 0) throw new NotSupportedException($"{pa} does not fit a level-{level} x86-64 output address");
        return (raw & ~mask) | pa.Value;
    }

    /// <summary>RW, NX, G, and the cache type from PCD/PWT (PAT index bit aside); x86 has no contiguous hint.</summary>
    public PteAttributes Attributes(ulong raw, int level) => new(
        (raw & (X86Pte.Pcd | X86Pte.Pwt)) switch { 0 => "WB", X86Pte.Pwt => "WT", X86Pte.Pcd => "UC-", _ => "UC" },
        Write: (raw & X86Pte.Rw) != 0, Execute: (raw >> 63) == 0, Global: (raw & X86Pte.Global) != 0, Contiguous: false);

    public IReadOnlyList<PteField> Fields(ulong raw, int level, PteKind kind)
    {
        var leaf = kind.IsLeaf();
        var f = new List<PteField>
        {
            PteFlags.Present(raw, 0, "P"),
            PteFlags.Writable(raw, 1, "RW"),
            PteFlags.User(raw, 2, "US"),
            PteFlags.Flag(raw, 3, "PWT", "write-through", "write-back"),
            PteFlags.Flag(raw, 4, "PCD", "cache disabled", "cacheable"),
            PteFlags.Accessed(raw, 5, "A"),
            PteFlags.Dirty(raw, 6, "D", leaf),
            PteField.Bit(raw, 7, level == 1 ? "PAT" : "PSE", v => level == 1 ? (v != 0 ? "PAT index bit set" : "PAT index bit clear")
                : v != 0 ? (level == 4 ? "reserved in a PML4 entry" : $"{(level == 3 ? "1 GiB" : "2 MiB")} page") : "points to a table"),
            PteFlags.Global(raw, 8, "G", leaf, ": survives a CR3 write"),
            PteField.Of(raw, 11, 9, "AVAIL", v => v == 0 ? "none" : "software bits (_PAGE_AVAIL0..2)"),
        };
        // A 2 MiB or 1 GiB leaf: bit 12 is PAT, the bits up to the page size are reserved, the address starts above them.
        var low = kind == PteKind.Block ? Page.Shift + 9 * (level - 1) : Page.Shift;
        if (kind == PteKind.Block)
        {
            f.Add(PteFlags.Flag(raw, 12, "PAT", "PAT index bit set (large page)", "PAT index bit clear (large page)"));
            f.Add(PteField.Of(raw, low - 1, 13, "Reserved", v => v == 0 ? "zero" : "non-zero: reserved bits set (the walk faults)"));
        }
        f.Add(new PteField("Address", 51, low, OutputAddress(raw, level).Value, kind switch
        {
            PteKind.Table => "next-level table",
            PteKind.Block => $"{(level == 3 ? "1 GiB" : "2 MiB")} page base",
            _ => "page frame",
        }));
        f.Add(PteField.Of(raw, 58, 52, "AVAIL-HIGH", v => v == 0 ? "none" : "Xen flag bits 12..18 (software)"));
        f.Add(PteField.Of(raw, 62, 59, "PKEY",
            v => $"protection key {v}" + ((raw >> 62 & 1) != 0 ? " (bit 62 is also Xen's _PAGE_GNTTAB in debug builds)" : "")));
        f.Add(PteFlags.ExecuteNever(raw, 63, "NX"));
        return f;
    }
}
