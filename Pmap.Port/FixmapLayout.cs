namespace Pmap.Port;

/// <summary>Which way fixmap slots grow from the first.</summary>
public enum SlotDirection
{
    /// <summary>fix_to_virt(x) = FIXADDR_START + x·PAGE_SIZE (Arm, RISC-V).</summary>
    Up,
    /// <summary>fix_to_virt(x) = FIXADDR_TOP - x·PAGE_SIZE (x86).</summary>
    Down,
}

/// <summary>A named range of fixmap indexes (an enum fixed_addresses entry or a BEGIN..END pair).</summary>
public sealed record FixmapRange(string Name, int First, int Last)
{
    /// <summary>The number of slots in the range.</summary>
    public int Count => Last - First + 1;
    /// <summary>The name of one slot of the range (FIX_PMAP[2]).</summary>
    public string NameOf(int index) => First == Last ? Name : $"{Name}[{index - First}]";
}

/// <summary>
/// An architecture's fixmap (asm/fixmap.h): the slots, FIXADDR_START/TOP, FIX_PMAP_BEGIN/END as the
/// modelled revision defines them (inclusive end), fix_to_virt and virt_to_fix with its BUG_ON.
/// </summary>
public sealed class FixmapLayout
{
    /// <summary>virt_to_fix's BUG_ON condition, the same text on every architecture.</summary>
    public const string VirtToFixCondition = "vaddr >= FIXADDR_TOP || vaddr < FIXADDR_START";

    /// <summary>The static leaf table that backs the PMAP slots (xen_fixmap, l1_fixmap).</summary>
    public required string TableName { get; init; }
    /// <summary>Which way slot numbers grow in VA.</summary>
    public required SlotDirection Direction { get; init; }
    /// <summary>FIXADDR_START: the lowest fixmap address.</summary>
    public required VirtAddr FixaddrStart { get; init; }
    /// <summary>FIXADDR_TOP: the address past the fixmap, as asm/fixmap.h defines it.</summary>
    public required VirtAddr FixaddrTop { get; init; }
    /// <summary>FIX_PMAP_BEGIN: the first PMAP slot.</summary>
    public required int FixPmapBegin { get; init; }
    /// <summary>FIX_PMAP_END as the modelled source defines it (Arm: BEGIN + NUM - 1; the x86 series: BEGIN + NUM).</summary>
    public required int FixPmapEnd { get; init; }
    /// <summary>NUM_FIX_PMAP.</summary>
    public required int NumFixPmap { get; init; }
    /// <summary>The named ranges of enum fixed_addresses, in order.</summary>
    public required IReadOnlyList<FixmapRange> Ranges { get; init; }
    /// <summary>Number of fixmap indexes (__end_of_fixed_addresses, or FIX_LAST + 1 on Arm).</summary>
    public required int EndOfFixedAddresses { get; init; }
    /// <summary>Where virt_to_fix's BUG_ON sits ("arch/arm/include/asm/fixmap.h:41"), for the crash report.</summary>
    public required string? VirtToFixSite { get; init; }

    /// <summary>fix_to_virt(slot).</summary>
    public VirtAddr FixToVirt(int slot) => Direction == SlotDirection.Up
        ? FixaddrStart.Add((ulong)slot << Page.Shift)
        : new VirtAddr(FixaddrTop.Value - ((ulong)slot << Page.Shift));

    /// <summary>__virt_to_fix without the range check.</summary>
    public int RawVirtToFix(VirtAddr va) => Direction == SlotDirection.Up
        ? (int)((va.Value - FixaddrStart.Value) >> Page.Shift)
        : (int)((FixaddrTop.Value - (va.Value & Page.Mask)) >> Page.Shift);

    /// <summary>virt_to_fix(va): BUG_ON(vaddr &gt;= FIXADDR_TOP || vaddr &lt; FIXADDR_START), always active.</summary>
    public int VirtToFix(VirtAddr va)
    {
        if (va >= FixaddrTop || va < FixaddrStart) throw new VirtToFixBugException(VirtToFixCondition, VirtToFixSite);
        return RawVirtToFix(va);
    }

    /// <summary>The name of a slot (FIX_PMAP_BEGIN + 2 as FIX_PMAP[2]).</summary>
    public string NameOf(int slot)
    {
        foreach (var r in Ranges)
            if (slot >= r.First && slot <= r.Last) return r.NameOf(slot);
        return $"#{slot}";
    }

    /// <summary>
    /// What is wrong with this layout on <paramref name="format"/>, or null: the PMAP slots must sit inside the
    /// translatable VA space, inside the fixmap, and inside one leaf table (the static one that backs them).
    /// </summary>
    public string? Problem(PageTableFormat format)
    {
        if (NumFixPmap < 1) return "NUM_FIX_PMAP is below 1";
        if (FixaddrStart >= FixaddrTop) return "FIXADDR_START is not below FIXADDR_TOP";
        var leafSpan = format.LevelShift(format.LeafLevel) + Page.EntriesPerTableShift;
        var table = FixToVirt(FixPmapBegin).Value >> leafSpan;
        for (var slot = FixPmapBegin; slot < FixPmapBegin + NumFixPmap; slot++)
        {
            var va = FixToVirt(slot);
            if (!format.IsValidVa(va)) return $"PMAP slot {slot} at {va} is outside the {format.VaBits}-bit VA space";
            if (va < FixaddrStart || va > FixaddrTop) return $"PMAP slot {slot} at {va} is outside the fixmap [{FixaddrStart}, {FixaddrTop}]";
            if (va.Value >> leafSpan != table) return $"PMAP slot {slot} at {va} is not backed by the static {TableName}";
        }
        return null;
    }
}
