
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
        // Plain methods filling one list, not iterators and LINQ: every command runs this at load, and Pmap.Core is JIT-compiled
        // (an iterator is a class of five methods to compile, LINQ over a tuple a dozen more).
        var problems = new List<string>();
        Widths(f, problems);
        if (problems.Count == 0) Levels(f, problems);
        if (problems.Count == 0) Layout(model, problems);
        return problems.Count == 0 ? null : string.Join("; ", problems);
    }

    private static void Widths(PageTableFormat f, List<string> problems)
    {
        // An address is a 64-bit word, and a page's address has bits above its 12-bit offset.
        if (f.VaBits <= Page.Shift || f.VaBits > 64)
            problems.Add($"VA width: {f.VaBits} bits, but a virtual address has {Page.Shift + 1} to 64 (a 64-bit word above the {Page.Shift}-bit page offset)");
        if (f.PaBits <= Page.Shift || f.PaBits > 64)
            problems.Add($"PA width: {f.PaBits} bits, but a physical address has {Page.Shift + 1} to 64 (a frame number above the {Page.Shift}-bit page offset)");
    }

    private static void Levels(PageTableFormat f, List<string> problems)
    {
        if (f.RootLevel < 0 || f.LeafLevel < 0)
        {
            problems.Add($"levels: numbered {f.RootLevel} to {f.LeafLevel}, but level numbers are 0 or more");
            return;
        }
        // Each level of 512 eight-byte entries (one 4 KiB table) translates 9 bits: exactly enough levels cover the VA.
        var needed = (f.VaBits - Page.Shift + Page.EntriesPerTableShift - 1) / Page.EntriesPerTableShift;
        if (f.Levels != needed)
        {
            problems.Add($"levels: {f.Levels} levels of {Page.EntriesPerTable}-entry tables ({Page.EntryBytes}-byte entries) translate " +
                $"{Page.Shift} + {Page.EntriesPerTableShift} x {f.Levels} = {Page.Shift + Page.EntriesPerTableShift * f.Levels} VA bits, " +
                $"but a {f.VaBits}-bit VA needs {needed}");
        }
    }

    private static void Layout(ArchModel model, List<string> problems)
    {
        var f = model.Format;
        var fixmap = model.Fixmap;
        var last = new VirtAddr(fixmap.FixaddrTop.Value - 1);
        if (!f.IsValidVa(fixmap.FixaddrStart) || !f.IsValidVa(last))
            problems.Add($"fixmap: [{fixmap.FixaddrStart}, {fixmap.FixaddrTop}) is not inside the VA space, {f.DescribeVaRange()}");
        else if (fixmap.Problem(f) is { } slots)
            problems.Add("PMAP slots: " + slots);
        if (model.DirectmapVirtStart is { } direct && !f.IsValidVa(direct))
            problems.Add($"directmap: DIRECTMAP_VIRT_START {direct} is not inside the VA space, {f.DescribeVaRange()}");
        Memory(model, problems);
    }

    /// <summary>Xen's image and the default RAM inside the PA space; each static table whole pages, inside the image, apart.</summary>
    private static void Memory(ArchModel model, List<string> problems)
    {
        var f = model.Format;
        var image = model.Image.Bank;
        Bank("Xen's image", image);
        Bank("the default RAM bank", model.DefaultRam);
        // By address, tables at the same address in the port's order (a stable insertion sort: a handful of tables).
        var tables = new List<StaticTable>(model.Image.Tables);
        for (var i = 1; i < tables.Count; i++)
        {
            var t = tables[i];
            var j = i;
            for (; j > 0 && tables[j - 1].Address.Value > t.Address.Value; j--) tables[j] = tables[j - 1];
            tables[j] = t;
        }
        var fixmapTable = false;
        for (var i = 0; i < tables.Count; i++)
        {
            var t = tables[i];
            var end = t.Address.Value + ((ulong)Math.Max(t.Pages, 0) << Page.Shift);
            if (t.Pages < 1 || t.Address.Value % Page.Size != 0)
                problems.Add($"table size: static table {t.Name} at {t.Address} is {t.Pages} page(s): a table is whole, page-aligned {Page.Size}-byte pages");
            else if (t.Address.Value < image.Base.Value || end > image.End.Value)
                problems.Add($"table size: static table {t.Name} [{t.Address}, {Hex.Format(end)}) is not inside Xen's image {image}");
            else if (i > 0 && tables[i - 1].Address.Value + ((ulong)tables[i - 1].Pages << Page.Shift) > t.Address.Value)
                problems.Add($"table size: static table {t.Name} at {t.Address} overlaps {tables[i - 1].Name} at {tables[i - 1].Address}");
            fixmapTable |= t.Name == model.Fixmap.TableName;
        }
        if (!fixmapTable)
            problems.Add($"fixmap: its leaf table {model.Fixmap.TableName} is not among the static tables of Xen's image");

        void Bank(string what, RamBank bank)
        {
            if (bank.Size == 0 || bank.End.Value - 1 > f.PaLimit || bank.End.Value < bank.Base.Value)
                problems.Add($"PA space: {what} {bank} does not fit the {f.PaBits}-bit PA space (up to {Hex.Format(f.PaLimit)})");
        }
    }
}
