namespace Pmap.Qemu.Tests;

/// <summary>
/// A tiny radix page-table builder for tests: 512-entry levels (the top level may use fewer), 9 VA bits a level
/// down to 4 KiB pages, intermediate tables allocated one page after another from <c>firstPa</c>.
/// </summary>
internal sealed class TableBuilder
{
    private readonly Dictionary<ulong, ulong[]> _pages = [];
    private readonly Dictionary<(ulong Table, int Index), ulong> _children = [];
    private readonly int _topShift;
    private readonly Func<ulong, ulong> _tableEntry;
    private ulong _nextPa;

    public ulong RootPa { get; }

    /// <param name="firstPa">Where the root goes; later tables follow it.</param>
    /// <param name="topShift">VA bit the root level indexes from (39 for 4 levels, 30 for 3).</param>
    /// <param name="tableEntry">The entry that points at a next-level table at a PA.</param>
    public TableBuilder(ulong firstPa, int topShift, Func<ulong, ulong> tableEntry)
    {
        _topShift = topShift;
        _tableEntry = tableEntry;
        _nextPa = firstPa;
        RootPa = Allocate();
    }

    private ulong Allocate()
    {
        ulong pa = _nextPa;
        _nextPa += 0x1000;
        _pages[pa] = new ulong[512];
        return pa;
    }

    /// <summary>Puts <paramref name="leaf"/> at the level whose entries cover 2^<paramref name="leafShift"/> bytes.</summary>
    public TableBuilder Map(ulong va, int leafShift, ulong leaf)
    {
        ulong table = RootPa;
        for (int shift = _topShift; ; shift -= 9)
        {
            int index = (int)((va >> shift) & 511);
            if (shift == leafShift)
            {
                _pages[table][index] = leaf;
                return this;
            }
            if (!_children.TryGetValue((table, index), out ulong child))
            {
                child = _children[(table, index)] = Allocate();
                _pages[table][index] = _tableEntry(child);
            }
            table = child;
        }
    }

    public IReadOnlyList<TablePage> Pages => _pages.Select(p => new TablePage(p.Key, p.Value)).ToList();
}
