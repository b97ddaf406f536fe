namespace Pmap.Core.Arch;

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
    public int Count => Last - First + 1;
    public string NameOf(int index) => First == Last ? Name : $"{Name}[{index - First}]";
}

/// <summary>
/// An architecture's fixmap (asm/fixmap.h): the slots, FIXADDR_START/TOP, FIX_PMAP_BEGIN/END as the
/// modelled revision defines them (inclusive end), fix_to_virt and virt_to_fix with its BUG_ON.
/// </summary>
public sealed class FixmapLayout
{
    public FixmapLayout(string tableName, SlotDirection direction, VirtAddr fixaddrStart, VirtAddr fixaddrTop,
        int fixPmapBegin, int fixPmapEnd, int numFixPmap, IReadOnlyList<FixmapRange> ranges, int endOfFixedAddresses,
        string virtToFixCondition, string? virtToFixSite)
    {
        TableName = tableName;
        Direction = direction;
        FixaddrStart = fixaddrStart;
        FixaddrTop = fixaddrTop;
        FixPmapBegin = fixPmapBegin;
        FixPmapEnd = fixPmapEnd;
        NumFixPmap = numFixPmap;
        Ranges = ranges;
        EndOfFixedAddresses = endOfFixedAddresses;
        VirtToFixCondition = virtToFixCondition;
        VirtToFixSite = virtToFixSite;
    }

    /// <summary>The static leaf table that backs the PMAP slots (xen_fixmap, l1_fixmap).</summary>
    public string TableName { get; }
    public SlotDirection Direction { get; }
    public VirtAddr FixaddrStart { get; }
    public VirtAddr FixaddrTop { get; }
    public int FixPmapBegin { get; }
    /// <summary>FIX_PMAP_END as the modelled source defines it (Arm: BEGIN + NUM - 1; the x86 series: BEGIN + NUM).</summary>
    public int FixPmapEnd { get; }
    public int NumFixPmap { get; }
    public IReadOnlyList<FixmapRange> Ranges { get; }
    /// <summary>Number of fixmap indexes (__end_of_fixed_addresses, or FIX_LAST + 1 on Arm).</summary>
    public int EndOfFixedAddresses { get; }
    public string VirtToFixCondition { get; }
    public string? VirtToFixSite { get; }

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
        if (va.Value >= FixaddrTop.Value || va.Value < FixaddrStart.Value)
            throw new VirtToFixBugException(VirtToFixCondition, VirtToFixSite);
        return RawVirtToFix(va);
    }

    public bool IsPmapSlot(int slot) => slot >= FixPmapBegin && slot < FixPmapBegin + NumFixPmap;

    public string NameOf(int slot)
    {
        foreach (var r in Ranges)
            if (slot >= r.First && slot <= r.Last) return r.NameOf(slot);
        return $"#{slot}";
    }
}
