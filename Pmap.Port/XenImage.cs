
namespace Pmap.Port;

/// <summary>A static page table in Xen's image (DEFINE_PAGE_TABLE(S)): its symbol, physical address and size.</summary>
public sealed record StaticTable(string Name, PhysAddr Address, int Pages = 1);

/// <summary>
/// Xen's image in RAM: where it is loaded, how much the boot allocator must leave alone, and where its static
/// page tables sit (the linker decides; a port gives the addresses of a real build or lays them out in order).
/// </summary>
public sealed class XenImage(PhysAddr load, ulong size, IReadOnlyList<StaticTable> tables)
{
    /// <summary>The physical address Xen is loaded at.</summary>
    public PhysAddr Load { get; } = load;
    /// <summary>The RAM the image occupies.</summary>
    public RamBank Bank => new(Load, size);
    /// <summary>Xen's static page tables (DEFINE_PAGE_TABLE) and where the linker put them.</summary>
    public IReadOnlyList<StaticTable> Tables { get; } = tables;

    /// <summary>Tables laid out one after another from <paramref name="tablesOffset"/> into the image, in the order given.</summary>
    public static XenImage Packed(PhysAddr load, ulong size, ulong tablesOffset, params (string Name, int Pages)[] tables)
    {
        var list = new List<StaticTable>(tables.Length);
        var at = load.Add(tablesOffset);
        foreach (var (name, pages) in tables)
        {
            list.Add(new StaticTable(name, at, pages));
            at = at.Add((ulong)pages << Page.Shift);
        }
        return new XenImage(load, size, list);
    }

    /// <summary>Physical address of a static table page (page <paramref name="page"/> of a multi-page table).</summary>
    public PhysAddr Table(string name, int page = 0)
    {
        foreach (var t in Tables)
            if (t.Name == name) return t.Address.Add((ulong)page << Page.Shift);
        throw new ArgumentException($"no static table {name}", nameof(name));
    }

    /// <summary>Names every static table page for the trace.</summary>
    public void NameTables(IXenMachine m)
    {
        foreach (var t in Tables)
            for (var i = 0; i < t.Pages; i++) m.NameTable(t.Address.Add((ulong)i << Page.Shift), t.Pages == 1 ? t.Name : $"{t.Name}[{i}]");
    }
}
