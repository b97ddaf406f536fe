using System.Runtime.CompilerServices;
using Pmap.Core.Paging;

namespace Pmap.Core.Machine;

/// <summary>One level of a table walk: the table, the index into it and the entry found.</summary>
public readonly record struct WalkStep(int Level, PhysAddr Table, int Index, ulong Entry, PteKind Kind);

/// <summary>Why a translation failed, and at which level.</summary>
public sealed record TranslationFault(VirtAddr Va, int? Level, string Reason)
{
    /// <summary>One line saying where the walk faulted and why.</summary>
    public string Describe() => Level is null ? $"translation fault at VA {Va}: {Reason}" : $"translation fault at VA {Va}, level {Level}: {Reason}";
}

/// <summary>The full result of a walk for display: every level, then the PA or the fault.</summary>
public sealed record WalkResult(VirtAddr Va, PhysAddr? Pa, TranslationFault? Fault, IReadOnlyList<WalkStep> Steps, ulong LeafEntry, int? LeafLevel);

/// <summary>
/// The generic radix walk over 512-entry tables in simulated memory, from a root, level by level as the
/// format numbers them. A hardware walk (the CPU's, on a TLB miss) also consults the ordering bookkeeping:
/// an entry written with no context synchronisation since is reported, and may be seen in its old value.
/// </summary>
public sealed class Walker(PhysicalMemory memory, PageTableFormat format, IPteCodec codec, Ordering ordering, MachineCounters counters)
{
    // Page-table frames seen by walks, kept apart from the data frames that loads and stores touch, so that
    // a stream of data accesses does not evict the handful of tables every walk goes through.
    private const int TableCacheSize = 32;
    private readonly FrameSlot[] _tableCache = PhysicalMemory.NewSlots(TableCacheSize);
    private readonly int _rootLevel = format.RootLevel, _leafLevel = format.LeafLevel, _step = format.Step;

    /// <summary>
    /// Called when a hardware walk meets an entry written with no context synchronisation since; returns the
    /// value the walk sees (the new one, or under strict ordering the old one).
    /// </summary>
    public Func<VirtAddr, PhysAddr, int, ulong, ulong, ulong>? OnUnsynchronised { get; set; }

    /// <summary>Walks the tables from <paramref name="root"/> for <paramref name="va"/>; the output address, or null on a fault.</summary>
    /// <param name="root">The root table (TTBR, satp, CR3).</param>
    /// <param name="va">The address translated.</param>
    /// <param name="steps">When given, receives every entry read, root first.</param>
    /// <param name="hardware">The CPU's own walk on a TLB miss: it may see an entry not yet made visible.</param>
    /// <param name="leafEntry">The last entry read.</param>
    /// <param name="leafLevel">The level of the last entry read.</param>
    /// <param name="fault">Why the walk faulted, or null.</param>
    public PhysAddr? Walk(PhysAddr root, VirtAddr va, List<WalkStep>? steps, bool hardware, out ulong leafEntry, out int leafLevel,
        out TranslationFault? fault)
    {
        counters.Walks++;
        leafEntry = 0;
        leafLevel = _leafLevel;
        if (!format.IsValidVa(va))
        {
            fault = new TranslationFault(va, null, $"address outside the translated range ({format.DescribeVaRange()})");
            return null;
        }
        var table = root;
        var level = _rootLevel;
        while (true)
        {
            var shift = format.LevelShift(level);
            var index = (int)((va.Value >> shift) & (Page.EntriesPerTable - 1));
            var entry = TableFrame(table.ToMfn()) is { } frame ? frame[index] : 0;
            if (hardware && ordering.HasPending && ordering.TryGetPending(table.Value + ((ulong)index * Page.EntryBytes), out var before))
                entry = OnUnsynchronised?.Invoke(va, table, index, entry, before) ?? entry;
            var kind = codec.WalkStep(entry, level, out var output);
            steps?.Add(new WalkStep(level, table, index, entry, kind));
            switch (kind)
            {
                case PteKind.Table when level != _leafLevel:
                    table = output;
                    level += _step;
                    continue;
                case PteKind.Block:
                case PteKind.Page:
                    leafEntry = entry;
                    leafLevel = level;
                    fault = null;
                    return new PhysAddr(output.Value | (va.Value & ((1UL << shift) - 1)));
                case PteKind.Invalid:
                    fault = new TranslationFault(va, level, "invalid entry");
                    return null;
                default:
                    fault = new TranslationFault(va, level, "reserved entry");
                    return null;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong[]? TableFrame(Mfn mfn)
    {
        ref var slot = ref _tableCache[(int)(mfn.Value & (TableCacheSize - 1))];
        if (slot.Key == mfn.Value) return slot.Frame;
        var frame = memory.TryGetFrame(mfn);
        if (frame is not null) slot = new FrameSlot { Key = mfn.Value, Frame = frame };
        return frame;
    }
}
