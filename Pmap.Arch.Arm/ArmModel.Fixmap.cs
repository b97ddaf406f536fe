namespace Pmap.Arch.Arm;

// asm/fixmap.h (and FIXMAP_ADDR from asm/config.h): the slots, FIXADDR_START/TOP and the PMAP range.
public abstract partial class ArmModel
{
    public const int NumFixmapAcpiPages = 64; // xen/include/xen/acpi.h
    public const int FixConsole = 0, FixMisc = 1, FixAcpiBegin = 2;
    public const int FixAcpiEnd = FixAcpiBegin + NumFixmapAcpiPages - 1; // 65
    public const int FixPmapBegin = FixAcpiEnd + 1; // 66

    /// <summary>FIXMAP_ADDR(n).</summary>
    public VirtAddr FixmapAddr(int n) => new(ArmProfile.FixmapBase + ((ulong)n << Page.Shift));

    /// <summary>enum fixed_addresses as the profile's release defines it, FIXADDR_TOP with or without the 4.17 off-by-one.</summary>
    private FixmapLayout FixmapOf(ArchSettings settings, ArmProfile profile)
    {
        var fixPmapEnd = FixPmapBegin + settings.NumFixPmap - 1; // inclusive, as Arm defines it
        var fixLast = fixPmapEnd;
        // 4.17: FIXADDR_TOP = FIXMAP_ADDR(FIXMAP_LAST), the off-by-one fe3412ab83 fixed; after it FIX_LAST + 1.
        var top = FixmapAddr(profile.FixaddrTopOffByOne ? fixLast : fixLast + 1);
        if (!profile.FixaddrTopOffByOne && top.Value >= FixmapAddr(Page.EntriesPerTable).Value)
            throw new PmapConfigurationException("NumFixPmap",
                $"{settings.NumFixPmap} breaks BUILD_BUG_ON(FIXADDR_TOP >= BOOT_FDT_VIRT_START): FIX_LAST {fixLast} leaves no guard page " +
                $"in the 2 MiB fixmap (at most {Page.EntriesPerTable - 2 - FixPmapBegin + 1} PMAP slots)");
        if (fixLast >= Page.EntriesPerTable)
            throw new PmapConfigurationException("NumFixPmap",
                $"{settings.NumFixPmap} puts FIXMAP_LAST at {fixLast}, beyond the {Page.EntriesPerTable} entries of xen_fixmap " +
                $"(at most {Page.EntriesPerTable - FixPmapBegin} PMAP slots)");
        return new FixmapLayout
        {
            TableName = "xen_fixmap",
            Direction = SlotDirection.Up,
            FixaddrStart = FixmapAddr(0),
            FixaddrTop = top,
            FixPmapBegin = FixPmapBegin,
            FixPmapEnd = fixPmapEnd,
            NumFixPmap = settings.NumFixPmap,
            Ranges =
            [
                new FixmapRange(profile.SlotName("CONSOLE"), FixConsole, FixConsole),
                new FixmapRange(profile.SlotName("MISC"), FixMisc, FixMisc),
                new FixmapRange(profile.SlotName("ACPI"), FixAcpiBegin, FixAcpiEnd),
                new FixmapRange(profile.SlotName("PMAP"), FixPmapBegin, fixPmapEnd),
            ],
            EndOfFixedAddresses = fixLast + 1,
            VirtToFixSite = "arch/arm/include/asm/fixmap.h:41", // virt_to_fix's BUG_ON, line 41 in every release 4.17.0 to staging
        };
    }
}
