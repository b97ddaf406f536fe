namespace Pmap.Arch.RiscV;

// asm/fixmap.h: FIX_PMAP first, then FIX_MISC, growing up from FIXMAP_BASE.
public sealed partial class RiscVModel
{
    public const int FixPmapBegin = 0; // FIX_PMAP_BEGIN

    /// <summary>FIXMAP_ADDR(slot).</summary>
    public VirtAddr FixmapAddr(int slot) => new(_fixmapBase + ((ulong)slot << Page.Shift));

    /// <summary>enum fixed_addresses for <paramref name="n"/> PMAP slots.</summary>
    private FixmapLayout FixmapOf(int n)
    {
        var fixPmapEnd = FixPmapBegin + n - 1;
        var fixMisc = fixPmapEnd + 1;
        var fixLast = fixMisc;
        if (fixLast >= Page.EntriesPerTable) // setup_fixmap_mappings: BUILD_BUG_ON(FIX_LAST >= PAGETABLE_ENTRIES)
            throw new PmapConfigurationException("NumFixPmap",
                $"{n} breaks BUILD_BUG_ON(FIX_LAST >= PAGETABLE_ENTRIES): FIX_LAST would be {fixLast}");
        return new FixmapLayout
        {
            TableName = "xen_fixmap",
            Direction = SlotDirection.Up,
            FixaddrStart = FixmapAddr(0),
            FixaddrTop = FixmapAddr(fixLast + 1),
            FixPmapBegin = FixPmapBegin,
            FixPmapEnd = fixPmapEnd,
            NumFixPmap = n,
            Ranges = [new FixmapRange("FIX_PMAP", FixPmapBegin, fixPmapEnd), new FixmapRange("FIX_MISC", fixMisc, fixMisc)],
            EndOfFixedAddresses = fixLast + 1,
            VirtToFixSite = "arch/riscv/include/asm/fixmap.h:44",
        };
    }
}
