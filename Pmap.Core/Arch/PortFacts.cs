
namespace Pmap.Core.Arch;

/// <summary>
/// Whether what a port states about its MMU and Xen's layout can be true at all: the one check the plugin loader refuses a port
/// with and the conformance suite runs, so that a port whose facts are impossible is never run and called clean.
/// </summary>
public static class PortFacts
{
    /// <summary>
    /// The impossible facts of <paramref name="model"/>, each named, in one line ("levels: ..."); null when every fact is possible.
    /// Widths are checked first: the other checks read addresses through them.
    /// </summary>
    public static string? Problem(ArchModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var f = model.Format;
        var problems = Widths(f).ToList();
        if (problems.Count == 0) problems.AddRange(Levels(f));
        if (problems.Count == 0) problems.AddRange(Layout(model));
        return problems.Count == 0 ? null : string.Join("; ", problems);
    }

    private static IEnumerable<string> Widths(PageTableFormat f)
    {
        // An address is a 64-bit word, and a page's address has bits above its 12-bit offset.
        if (f.VaBits <= Page.Shift || f.VaBits > 64)
            yield return $"VA width: {f.VaBits} bits, but a virtual address has {Page.Shift + 1} to 64 (a 64-bit word above the {Page.Shift}-bit page offset)";
        if (f.PaBits <= Page.Shift || f.PaBits > 64)
            yield return $"PA width: {f.PaBits} bits, but a physical address has {Page.Shift + 1} to 64 (a frame number above the {Page.Shift}-bit page offset)";
    }

    private static IEnumerable<string> Levels(PageTableFormat f)
    {
        if (f.RootLevel < 0 || f.LeafLevel < 0)
        {
            yield return $"levels: numbered {f.RootLevel} to {f.LeafLevel}, but level numbers are 0 or more";
            yield break;
        }
        // Each level of 512 eight-byte entries (one 4 KiB table) translates 9 bits: exactly enough levels cover the VA.
        var needed = (f.VaBits - Page.Shift + Page.EntriesPerTableShift - 1) / Page.EntriesPerTableShift;
        if (f.Levels != needed)
        {
            yield return $"levels: {f.Levels} levels of {Page.EntriesPerTable}-entry tables ({Page.EntryBytes}-byte entries) translate " +
                $"{Page.Shift} + {Page.EntriesPerTableShift} x {f.Levels} = {Page.Shift + Page.EntriesPerTableShift * f.Levels} VA bits, " +
                $"but a {f.VaBits}-bit VA needs {needed}";
        }
    }

    private static IEnumerable<string> Layout(ArchModel model)
    {
        var f = model.Format;
        var fixmap = model.Fixmap;
        var last = new VirtAddr(fixmap.FixaddrTop.Value - 1);
        if (!f.IsValidVa(fixmap.FixaddrStart) || !f.IsValidVa(last))
            yield return $"fixmap: [{fixmap.FixaddrStart}, {fixmap.FixaddrTop}) is not inside the VA space, {f.DescribeVaRange()}";
        else if (fixmap.Problem(f) is { } slots)
            yield return "PMAP slots: " + slots;
        if (model.DirectmapVirtStart is { } direct && !f.IsValidVa(direct))
            yield return $"directmap: DIRECTMAP_VIRT_START {direct} is not inside the VA space, {f.DescribeVaRange()}";
        foreach (var p in Memory(model)) yield return p;
    }

    /// <summary>Xen's image and the default RAM inside the PA space; each static table whole pages, inside the image, apart.</summary>
    private static IEnumerable<string> Memory(ArchModel model)
    {
        var f = model.Format;
        var image = model.Image.Bank;
        foreach (var (what, bank) in new[] { ("Xen's image", image), ("the default RAM bank", model.DefaultRam) })
        {
            if (bank.Size == 0 || bank.End.Value - 1 > f.PaLimit || bank.End.Value < bank.Base.Value)
                yield return $"PA space: {what} {bank} does not fit the {f.PaBits}-bit PA space (up to {Hex.Format(f.PaLimit)})";
        }
        var tables = model.Image.Tables.OrderBy(t => t.Address.Value).ToList();
        for (var i = 0; i < tables.Count; i++)
        {
            var t = tables[i];
            var end = t.Address.Value + ((ulong)Math.Max(t.Pages, 0) << Page.Shift);
            if (t.Pages < 1 || t.Address.Value % Page.Size != 0)
                yield return $"table size: static table {t.Name} at {t.Address} is {t.Pages} page(s): a table is whole, page-aligned {Page.Size}-byte pages";
            else if (t.Address.Value < image.Base.Value || end > image.End.Value)
                yield return $"table size: static table {t.Name} [{t.Address}, {Hex.Format(end)}) is not inside Xen's image {image}";
            else if (i > 0 && tables[i - 1].Address.Value + ((ulong)tables[i - 1].Pages << Page.Shift) > t.Address.Value)
                yield return $"table size: static table {t.Name} at {t.Address} overlaps {tables[i - 1].Name} at {tables[i - 1].Address}";
        }
        if (tables.All(t => t.Name != model.Fixmap.TableName))
            yield return $"fixmap: its leaf table {model.Fixmap.TableName} is not among the static tables of Xen's image";
    }
}
