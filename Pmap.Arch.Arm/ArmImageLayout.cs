
namespace Pmap.Arch.Arm;

/// <summary>A half-open range of offsets from _start ([start, end)), as a pair of linker symbols bounds it.</summary>
public readonly record struct ImageRange(ulong Start, ulong End)
{
    public bool Contains(ulong offset) => offset >= Start && offset < End;
}

/// <summary>How setup_pagetables protects one page of Xen's image (is_kernel_text / is_kernel_rodata / the rest).</summary>
public enum XenPageKind
{
    /// <summary>_stext.._etext or _sinittext.._einittext: xn = 0, ro = 1.</summary>
    Text,

    /// <summary>_srodata.._erodata: ro = 1, xn stays 1.</summary>
    Rodata,

    /// <summary>The rest of _start.._end: MT_NORMAL's xn = 1, ro = 0.</summary>
    Data,
}

/// <summary>
/// Xen's image as the linker laid it out, in offsets from _start: its end (_end), text, init text and rodata,
/// and each static page table. A build's symbols give them (SymbolsFile / --xen-syms); configuration keys
/// override single values (docs/CLI.md, Arm image keys).
/// </summary>
public sealed record ArmImageLayout(ulong End, ImageRange Text, ImageRange InitText, ImageRange Rodata, IReadOnlyDictionary<string, ulong> Tables)
{
    /// <summary>No build examined: a 2 MiB image mapped RW/XN with the tables one after another from 1 MiB (a model choice).</summary>
    public static ArmImageLayout Packed(IEnumerable<(string Name, int Pages)> tables)
    {
        var at = 1UL << 20;
        var offsets = new Dictionary<string, ulong>();
        foreach (var (name, pages) in tables)
        {
            offsets[name] = at;
            at += (ulong)pages << Page.Shift;
        }
        return new(2UL << 20, default, default, default, offsets);
    }

    /// <summary>From a build's symbols: the section bounds and every table the port names.</summary>
    public static ArmImageLayout FromSymbols(XenSymbols s, IEnumerable<string> tables, string key) =>
        new(s.Offset("_end", key), new(s.Offset("_stext", key), s.Offset("_etext", key)),
            new(s.Offset("_sinittext", key), s.Offset("_einittext", key)), new(s.Offset("_srodata", key), s.Offset("_erodata", key)),
            tables.ToDictionary(t => t, t => s.Offset(t, key)));

    /// <summary>setup_pagetables' test of a page by its start address (so the page holding _etext is still text).</summary>
    public XenPageKind PermissionOf(ulong offset) =>
        Text.Contains(offset) || InitText.Contains(offset) ? XenPageKind.Text
        : Rodata.Contains(offset) ? XenPageKind.Rodata : XenPageKind.Data;

    /// <summary>Applies the keys XenEnd, XenText, XenInitText, XenRodata ("start-end") and Tables:&lt;name&gt; (offsets from _start).</summary>
    public ArmImageLayout With(ArchSettings settings)
    {
        var tables = Tables.ToDictionary(t => t.Key, t => settings.GetAddress(ArmOptions.Table(t.Key), t.Value));
        return new(settings.GetAddress(ArmOptions.XenEnd, End), Range(settings, ArmOptions.XenText, Text),
            Range(settings, ArmOptions.XenInitText, InitText), Range(settings, ArmOptions.XenRodata, Rodata), tables);
    }

    private static ImageRange Range(ArchSettings settings, ArchOption option, ImageRange value)
    {
        var (start, end) = settings.GetRange(option, (value.Start, value.End));
        return new(start, end);
    }

    /// <summary>What Xen's linker script and setup_pagetables rely on: tables apart and inside _end; the image fits xen_xenmap.</summary>
    public void Check(IReadOnlyList<(string Name, int Pages)> tables, int xenmapPages)
    {
        var limit = (ulong)xenmapPages << (Page.Shift + Page.EntriesPerTableShift);
        if (End == 0 || End > limit)
        {
            throw new PmapConfigurationException("XenEnd",
                $"{Hex.Format(End)} does not fit the {xenmapPages} xen_xenmap page(s): Xen's image must be 1 to {Hex.Format(limit)} bytes");
        }
        var spans = tables.Select(t => (t.Name, Start: Tables[t.Name], End: Tables[t.Name] + ((ulong)t.Pages << Page.Shift)))
            .OrderBy(t => t.Start).ToList();
        for (var i = 0; i < spans.Count; i++)
        {
            var t = spans[i];
            var key = "Tables:" + t.Name;
            if (t.End > End) throw new PmapConfigurationException(key, $"{Hex.Format(t.Start)} puts {t.Name} beyond _end ({Hex.Format(End)})");
            if (i > 0 && spans[i - 1].End > t.Start)
                throw new PmapConfigurationException(key, $"{Hex.Format(t.Start)} overlaps {spans[i - 1].Name} at {Hex.Format(spans[i - 1].Start)}");
        }
    }
}
