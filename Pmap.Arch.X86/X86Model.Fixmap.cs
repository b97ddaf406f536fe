namespace Pmap.Arch.X86;

// asm/fixmap.h: enum fixed_addresses as the PMAP series lays it out, growing down from FIXADDR_TOP.
public sealed partial class X86Model
{
    /// <summary>
    /// enum fixed_addresses (asm/fixmap.h) with the series' CONFIG_HAS_PMAP entries after the XEN_GUEST ones and
    /// before FIX_APIC_BASE, and the series' BUILD_BUG_ON(FIX_APIC_BASE - 1 &gt; L1_PAGETABLE_ENTRIES - 1).
    /// </summary>
    private static FixmapLayout BuildFixedAddresses(int numFixPmap, bool xhci, int maxXhciPages, bool xenGuest, int acpiPages, int ioApics)
    {
        var ranges = new List<FixmapRange>();
        var next = 0;
        int Add(string name, int count = 1)
        {
            ranges.Add(new FixmapRange(name, next, next + count - 1));
            next += count;
            return next - count;
        }
        Add("FIX_RESERVED");
        Add("FIX_COM_BEGIN");
        Add("FIX_COM_END");
        Add("FIX_EHCI_DBGP");
        if (xhci) Add("FIX_XHCI", maxXhciPages);
        if (xenGuest)
        {
            Add("FIX_PV_CONSOLE");
            Add("FIX_XEN_SHARED_INFO");
        }
        var pmapBegin = Add("FIX_PMAP", numFixPmap + 1); // BEGIN .. END = BEGIN + NUM_FIX_PMAP
        var apicBase = Add("FIX_APIC_BASE");
        Add("FIX_IO_APIC_BASE", ioApics);
        Add("FIX_ACPI", acpiPages);
        Add("FIX_HPET_BASE");
        Add("FIX_TBOOT_SHARED_BASE");
        Add("FIX_MSIX_IO_RESERV", 512);   // FIX_MSIX_MAX_PAGES
        Add("FIX_TBOOT_MAP_ADDRESS");
        Add("FIX_APEI_RANGE", 64);        // FIX_APEI_RANGE_MAX
        Add("FIX_EFI_MPF");
        var end = next;                   // __end_of_fixed_addresses

        if (apicBase - 1 > Page.EntriesPerTable - 1)
        {
            var culprit = xhci && apicBase - 1 - numFixPmap + 8 > Page.EntriesPerTable - 1 ? "MaxXhciPages" : "NumFixPmap";
            throw new PmapConfigurationException(culprit,
                $"BUILD_BUG_ON(FIX_APIC_BASE - 1 > L1_PAGETABLE_ENTRIES - 1) fails: FIX_APIC_BASE would be {apicBase}, " +
                "so early fixmap entries would leave the static l1_fixmap (at most index 511)");
        }
        var start = new VirtAddr(FixaddrTop.Value - ((ulong)end << Page.Shift)); // FIXADDR_START = FIXADDR_TOP - FIXADDR_SIZE
        return new FixmapLayout
        {
            TableName = "l1_fixmap",
            Direction = SlotDirection.Down,
            FixaddrStart = start,
            FixaddrTop = FixaddrTop,
            FixPmapBegin = pmapBegin,
            FixPmapEnd = pmapBegin + numFixPmap,
            NumFixPmap = numFixPmap,
            Ranges = ranges,
            EndOfFixedAddresses = end,
            VirtToFixSite = "arch/x86/include/asm/fixmap.h",
        };
    }
}
