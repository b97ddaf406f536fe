using Pmap.Core;
using Pmap.Core.Machine;
using Pmap.Qemu;

namespace Pmap.Verify;

/// <summary>One page-table page as the model holds it: where, at which level it was first reached, its 512 entries.</summary>
public sealed record ExportedTable(PhysAddr Pa, int Level, ulong[] Entries);

/// <summary>Every table page reachable from a root, root first.</summary>
/// <remarks>The entries are copies: changing them changes neither the model nor the machine they came from.</remarks>
public sealed record TableSnapshot(PhysAddr Root, IReadOnlyList<ExportedTable> Tables);

/// <summary>The snapshot as placed in the probe's RAM, and where each moved page went.</summary>
public sealed record Placement(TableSnapshot Tables, IReadOnlyDictionary<ulong, ulong> Moves)
{
    /// <summary>A PA the MMU answered, in the model's terms: a moved table page back at its original address.</summary>
    public ulong ToModel(ulong pa)
    {
        foreach (var (from, to) in Moves)
            if (pa >> Page.Shift == to >> Page.Shift) return from | (pa & (Page.Size - 1));
        return pa;
    }
}

/// <summary>Reads the model's tables out of its memory, and moves them where a QEMU target has RAM.</summary>
public static class TableExport
{
    public static TableSnapshot Export(XenMachine m) => Export(m.Memory, m.Format, m.Codec, m.Cpu.Root);

    /// <summary>Walks the tables breadth first from the root; a page linked from several entries is exported once.</summary>
    public static TableSnapshot Export(PhysicalMemory memory, PageTableFormat format, IPteCodec codec, PhysAddr root) =>
        Export(pa => memory.TryGetFrame(pa.ToMfn()) is { } frame ? (ulong[])frame.Clone() : new ulong[Page.EntriesPerTable], format, codec, root);

    /// <summary>The same walk over pages read by <paramref name="readPage"/> (a real machine's RAM).</summary>
    public static TableSnapshot Export(Func<PhysAddr, ulong[]> readPage, PageTableFormat format, IPteCodec codec, PhysAddr root)
    {
        var tables = new List<ExportedTable>();
        var seen = new HashSet<ulong>();
        var queue = new Queue<(PhysAddr Pa, int Level)>();
        queue.Enqueue((root, format.RootLevel));
        seen.Add(root.Value);
        while (queue.Count > 0)
        {
            var (pa, level) = queue.Dequeue();
            var entries = readPage(pa);
            tables.Add(new ExportedTable(pa, level, entries));
            if (level == format.LeafLevel) continue;
            foreach (var raw in entries)
            {
                if (codec.Classify(raw, level) != PteKind.Table) continue;
                var next = codec.OutputAddress(raw, level);
                if (seen.Add(next.Value)) queue.Enqueue((next, level + format.Step));
            }
        }
        return new TableSnapshot(root, tables);
    }

    /// <summary>
    /// Moves every page outside the target's table windows to a free page inside them (from the top down) and
    /// re-points the table entries that link to a moved page. Leaf entries are left alone: outputs need not be RAM.
    /// </summary>
    public static Placement Place(TableSnapshot snapshot, IPteCodec codec, PageTableFormat format, QemuTarget target)
    {
        var staying = snapshot.Tables.Where(t => target.IsGuestRam(t.Pa.Value, Page.Size)).Select(t => t.Pa.Value).ToHashSet();
        var moves = new Dictionary<ulong, ulong>();
        using var free = FreePages(target, staying).GetEnumerator();
        foreach (var t in snapshot.Tables)
        {
            if (staying.Contains(t.Pa.Value)) continue;
            if (!free.MoveNext()) throw new InvalidOperationException($"no room in the {target.Binary} RAM for {snapshot.Tables.Count} table pages");
            moves[t.Pa.Value] = free.Current;
        }
        var placed = snapshot.Tables.Select(t => new ExportedTable(
            new PhysAddr(moves.GetValueOrDefault(t.Pa.Value, t.Pa.Value)), t.Level, Relink(t, codec, format, moves))).ToList();
        return new Placement(new TableSnapshot(new PhysAddr(moves.GetValueOrDefault(snapshot.Root.Value, snapshot.Root.Value)), placed), moves);
    }

    private static ulong[] Relink(ExportedTable t, IPteCodec codec, PageTableFormat format, Dictionary<ulong, ulong> moves)
    {
        var entries = (ulong[])t.Entries.Clone();
        if (t.Level == format.LeafLevel) return entries;
        for (var i = 0; i < entries.Length; i++)
        {
            if (codec.Classify(entries[i], t.Level) != PteKind.Table) continue;
            if (moves.TryGetValue(codec.OutputAddress(entries[i], t.Level).Value, out var to))
                entries[i] = codec.WithOutputAddress(entries[i], t.Level, new PhysAddr(to));
        }
        return entries;
    }

    private static IEnumerable<ulong> FreePages(QemuTarget target, HashSet<ulong> taken)
    {
        foreach (var w in target.TableWindows.OrderByDescending(w => w.Base))
            for (var pa = (w.End & ~(Page.Size - 1)) - Page.Size; pa >= w.Base && pa < w.End; pa -= Page.Size)
                if (!taken.Contains(pa)) yield return pa;
    }

    /// <summary>The snapshot as the probe takes it.</summary>
    public static IReadOnlyList<TablePage> Pages(TableSnapshot s) => s.Tables.Select(t => new TablePage(t.Pa.Value, t.Entries)).ToList();
}
