#pragma warning disable CS1591 // Some public members here still lack XML documentation: to fill in (every other file is complete).
namespace Pmap.Port;

/// <summary>How the top bits of a virtual address above VaBits must look.</summary>
public enum VaRange
{
    /// <summary>All bits above VaBits are zero (Arm TTBR0_EL2 / HTTBR regime; arm32's 32-bit VA).</summary>
    ZeroExtended,
    /// <summary>Bits above VaBits copy bit VaBits-1 (x86-64 canonical, RISC-V Sv39).</summary>
    SignExtended,
}

/// <summary>
/// The radix-tree shape of an architecture's page tables: 512-entry tables of 8-byte entries, levels
/// numbered as the architecture numbers them (Arm 0..3 root first, x86 4..1, RISC-V 2..0).
/// </summary>
public sealed record PageTableFormat(int RootLevel, int LeafLevel, int VaBits, int PaBits, VaRange VaRange)
{
    // Shift per level number, computed once: the walk asks for it at every level.
    private readonly int[] _shifts = Enumerable.Range(0, Math.Max(RootLevel, LeafLevel) + 1)
        .Select(l => Page.Shift + Page.EntriesPerTableShift * Math.Abs(LeafLevel - l)).ToArray();

    public int Levels => Math.Abs(LeafLevel - RootLevel) + 1;

    /// <summary>+1 when levels count up towards the leaf (Arm), -1 when down (x86, RISC-V).</summary>
    public int Step => LeafLevel >= RootLevel ? 1 : -1;

    /// <summary>Levels from the root to the leaf.</summary>
    public IEnumerable<int> WalkOrder
    {
        get
        {
            for (var l = RootLevel; ; l += Step)
            {
                yield return l;
                if (l == LeafLevel) yield break;
            }
        }
    }

    public bool IsLevel(int level) => Step > 0 ? level >= RootLevel && level <= LeafLevel : level <= RootLevel && level >= LeafLevel;

    /// <summary>Bits of VA translated below this level: 12 + 9 × (distance to the leaf).</summary>
    public int LevelShift(int level) => _shifts[level];

    public ulong LevelSize(int level) => 1UL << LevelShift(level);

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public int Index(VirtAddr va, int level) => (int)((va.Value >> _shifts[level]) & (Page.EntriesPerTable - 1));

    public ulong PaLimit => PaBits >= 64 ? ulong.MaxValue : (1UL << PaBits) - 1;

    public ulong MaxMfn => PaLimit >> Page.Shift;

    /// <summary>True if the VA is one the MMU can translate at all (no bits beyond VaBits, or canonical).</summary>
    public bool IsValidVa(VirtAddr va)
    {
        if (VaBits >= 64) return true;
        var upper = va.Value >> (VaBits - 1);
        return upper == 0 || (VaRange == VaRange.SignExtended && upper == ulong.MaxValue >> (VaBits - 1))
               || (VaRange == VaRange.ZeroExtended && upper == 1);
    }

    /// <summary>Equal when the five numbers are: the cached shifts follow from them.</summary>
    public bool Equals(PageTableFormat? other) =>
        other is not null
        && (RootLevel, LeafLevel, VaBits, PaBits, VaRange) == (other.RootLevel, other.LeafLevel, other.VaBits, other.PaBits, other.VaRange);

    public override int GetHashCode() => HashCode.Combine(RootLevel, LeafLevel, VaBits, PaBits, VaRange);

    public string DescribeVaRange() => VaRange == VaRange.ZeroExtended
        ? $"0x0..{Hex.Format(VaBits >= 64 ? ulong.MaxValue : (1UL << VaBits) - 1)} ({VaBits}-bit VA)"
        : $"a canonical {VaBits}-bit address (bits 63..{VaBits - 1} all equal)";
}

/// <summary>What a raw entry is at a given level.</summary>
public enum PteKind
{
    Invalid,
    Table,
    Block,
    Page,
    Reserved,
}

/// <summary>One named bitfield of a decoded entry.</summary>
public sealed record PteField(string Name, int High, int Low, ulong Value, string Meaning)
{
    public string Bits => High == Low ? $"{High}" : $"{High}:{Low}";

    /// <summary>Bits high..low of <paramref name="raw"/>, shifted down, with the meaning of that value.</summary>
    public static PteField Of(ulong raw, int high, int low, string name, Func<ulong, string> meaning)
    {
        var width = high - low + 1;
        var v = (raw >> low) & (width >= 64 ? ulong.MaxValue : (1UL << width) - 1);
        return new PteField(name, high, low, v, meaning(v));
    }

    public static PteField Bit(ulong raw, int bit, string name, Func<ulong, string> meaning) => Of(raw, bit, bit, name, meaning);
}

/// <summary>
/// What a leaf entry lets the CPU do, in words common to every architecture (ptdump's columns): the
/// memory type by its Xen name, write and execute permission, global, and a contiguous hint (Arm's
/// Contiguous bit) that lets one TLB entry cover a run of leaves.
/// </summary>
public readonly record struct PteAttributes(string MemoryType, bool Write, bool Execute, bool Global, bool Contiguous)
{
    public static PteAttributes Unknown { get; } = new("?", false, false, false, false);
}

public sealed record DecodedPte(ulong Raw, int Level, PteKind Kind, bool Valid, PhysAddr? OutputAddress, IReadOnlyList<PteField> Fields);

/// <summary>The architecture's page-table entry format: classify, extract the address, decode into named fields.</summary>
public interface IPteCodec
{
    PteKind Classify(ulong raw, int level);

    /// <summary>The output address of a table, block or page entry (base of the next table or of the mapped region).</summary>
    PhysAddr OutputAddress(ulong raw, int level);

    /// <summary>The entry's named bit fields, low bits first, as the architecture manual draws them.</summary>
    IReadOnlyList<PteField> Fields(ulong raw, int level, PteKind kind);

    /// <summary>
    /// The entry classified, with its output address (a table, block or page only) and its fields. The level must be one of
    /// the format's (<see cref="PageTableFormat.IsLevel"/>): callers check it, so that each port does not.
    /// </summary>
    DecodedPte Decode(ulong raw, int level)
    {
        var kind = Classify(raw, level);
        return new DecodedPte(raw, level, kind, kind != PteKind.Invalid,
            kind.HasOutput() ? OutputAddress(raw, level) : null, Fields(raw, level, kind));
    }

    /// <summary>
    /// The entry with its output address replaced by <paramref name="pa"/>, every other bit kept (to move a table
    /// page elsewhere and re-point the entries that link to it). The default suits formats that store the address
    /// in place, unshifted (Arm, x86); a format that shifts it (RISC-V's PPN) overrides it.
    /// </summary>
    ulong WithOutputAddress(ulong raw, int level, PhysAddr pa)
    {
        var result = (raw & ~OutputAddress(raw, level).Value) | pa.Value;
        if (OutputAddress(result, level) != pa)
            throw new NotSupportedException($"this format cannot hold output address {pa} at level {level}");
        return result;
    }

    /// <summary>The attributes of a leaf (block or page) entry; <see cref="PteAttributes.Unknown"/> when a port does not say.</summary>
    PteAttributes Attributes(ulong raw, int level) => PteAttributes.Unknown;

    /// <summary>
    /// What the walker needs at one level in one call: the kind, and for a table, block or page its output address.
    /// Ports may override it with a branch-light version; the default combines the two methods above.
    /// </summary>
    PteKind WalkStep(ulong raw, int level, out PhysAddr output)
    {
        var kind = Classify(raw, level);
        output = kind.HasOutput() ? OutputAddress(raw, level) : default;
        return kind;
    }
}

public static class PteKinds
{
    /// <summary>A block or page: the walk stops here with an output address.</summary>
    public static bool IsLeaf(this PteKind kind) => kind is PteKind.Block or PteKind.Page;

    /// <summary>An entry that points somewhere: a table, block or page.</summary>
    public static bool HasOutput(this PteKind kind) => kind is PteKind.Table or PteKind.Block or PteKind.Page;

    public static string JsonName(this PteKind k) => k.ToString().ToLowerInvariant();
}
