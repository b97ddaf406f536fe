using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

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
    // Page-table frames seen by walks, direct-mapped by MFN and kept apart from the data frames that loads and stores
    // touch. 1024 slots (16 KiB) hold every table of a 1 GiB directmap at 4 KiB, so random walks over it stay out of
    // the hash; tables are allocated one after another from the boot allocator, so they rarely collide.
    private const int TableCacheSize = 1024;
    private readonly TableSlot[] _tableCache = NewTableCache();
    private readonly int _rootLevel = format.RootLevel, _leafLevel = format.LeafLevel, _step = format.Step;
    // Shift per level number; indexed without a bounds check, so one per level of the format, whatever the numbering.
    private readonly int[] _shifts = [.. Enumerable.Range(0, Math.Max(format.RootLevel, format.LeafLevel) + 1).Select(format.LevelShift)];

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
        return WalkUncounted(root, va, steps, hardware, out leafEntry, out leafLevel, out fault);
    }

    /// <summary>
    /// The CPU's walk on a TLB miss when it succeeds and no write awaits synchronisation: the same levels and entries as
    /// <see cref="Walk"/>, with no record kept. False when the walk must be made by <see cref="Walk"/> instead (a
    /// fault, a VA outside the range, or a pending write whose old value the walk may see).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryHardwareWalk(PhysAddr root, VirtAddr va, out PhysAddr pa, out ulong leafEntry, out int leafLevel)
    {
        pa = default;
        leafEntry = 0;
        leafLevel = _leafLevel;
        if (ordering.HasPending || !format.IsValidVa(va)) return false;
        ref var shifts = ref MemoryMarshal.GetArrayDataReference(_shifts);
        var table = root.Value;
        var level = _rootLevel;
        while (true)
        {
            var shift = Unsafe.Add(ref shifts, level);
            var entry = ReadEntry(table >> Page.Shift, (int)((va.Value >> shift) & (Page.EntriesPerTable - 1)));
            var kind = codec.WalkStep(entry, level, out var output);
            if (kind == PteKind.Table && level != _leafLevel)
            {
                table = output.Value;
                level += _step;
                continue;
            }
            if (kind is not (PteKind.Block or PteKind.Page)) return false;
            counters.Walks++;
            leafEntry = entry;
            leafLevel = level;
            pa = new PhysAddr(output.Value | (va.Value & ((1UL << shift) - 1)));
            return true;
        }
    }

    /// <summary><see cref="Walk"/> not counted: the ordering checker's look at what an invalidation covers is no walk of the machine's.</summary>
    internal PhysAddr? WalkUncounted(PhysAddr root, VirtAddr va, List<WalkStep>? steps, bool hardware, out ulong leafEntry, out int leafLevel,
        out TranslationFault? fault) => WalkUncounted(root, va, steps, hardware, describeFault: true, out leafEntry, out leafLevel, out fault);

    /// <summary>
    /// <see cref="Walk"/> for an inspection that only asks where a VA leads: the same walk, counted, with no fault described
    /// (a checker that walks every slot after every operation would otherwise allocate one per unmapped slot).
    /// </summary>
    internal PhysAddr? WalkUndescribed(PhysAddr root, VirtAddr va, out ulong leafEntry)
    {
        counters.Walks++;
        return WalkUncounted(root, va, null, hardware: false, describeFault: false, out leafEntry, out _, out _);
    }

    private PhysAddr? WalkUncounted(PhysAddr root, VirtAddr va, List<WalkStep>? steps, bool hardware, bool describeFault, out ulong leafEntry,
        out int leafLevel, out TranslationFault? fault)
    {
        leafEntry = 0;
        leafLevel = _leafLevel;
        fault = null;
        if (!format.IsValidVa(va))
        {
            if (describeFault) fault = OutsideRange(va);
            return null;
        }
        ref var shifts = ref MemoryMarshal.GetArrayDataReference(_shifts);
        var table = root;
        var level = _rootLevel;
        while (true)
        {
            var shift = Unsafe.Add(ref shifts, level); // level stays within the format's, the array's length
            var index = (int)((va.Value >> shift) & (Page.EntriesPerTable - 1));
            var entry = ReadEntry(table.Value >> Page.Shift, index);
            if (hardware && ordering.HasPending) entry = Pending(va, table, index, entry);
            var kind = codec.WalkStep(entry, level, out var output);
            steps?.Add(new WalkStep(level, table, index, entry, kind));
            if (kind == PteKind.Table && level != _leafLevel)
            {
                table = output;
                level += _step;
                continue;
            }
            if (kind is PteKind.Block or PteKind.Page)
            {
                leafEntry = entry;
                leafLevel = level;
                return new PhysAddr(output.Value | (va.Value & ((1UL << shift) - 1)));
            }
            if (describeFault) fault = Fault(va, level, kind);
            return null;
        }
    }

    /// <summary>Entry <paramref name="index"/> of table frame <paramref name="mfn"/>, 0 when the frame holds no memory.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private unsafe ulong ReadEntry(ulong mfn, int index)
    {
        ref var slot = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_tableCache), (int)mfn & (TableCacheSize - 1));
        // A frame is 512 entries and index is 9 bits: the read stays inside it.
        if (slot.Key == mfn) return ((ulong*)slot.Entries)[index];
        return ReadEntryMiss(ref slot, mfn, index);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private unsafe ulong ReadEntryMiss(ref TableSlot slot, ulong mfn, int index)
    {
        var frame = memory.TryGetFrame(new Mfn(mfn));
        if (frame is null) return 0;
        // PhysicalMemory allocates frames pinned and keeps them for its life, which is this walker's: the address stays valid.
        slot = new TableSlot { Key = mfn, Entries = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(frame)) };
        return frame[index];
    }

    private static TableSlot[] NewTableCache()
    {
        var slots = new TableSlot[TableCacheSize];
        Array.Fill(slots, new TableSlot { Key = ulong.MaxValue });
        return slots;
    }

    /// <summary>A cached table frame: its MFN and the address of its entries, side by side in 16 bytes.</summary>
    private struct TableSlot
    {
        public ulong Key;
        public nint Entries;
    }

    /// <summary>The value a hardware walk sees of an entry that may be waiting for context synchronisation.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private ulong Pending(VirtAddr va, PhysAddr table, int index, ulong entry) =>
        ordering.TryGetPending(table.Value + ((ulong)index * Page.EntryBytes), out var before)
            ? OnUnsynchronised?.Invoke(va, table, index, entry, before) ?? entry
            : entry;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private TranslationFault OutsideRange(VirtAddr va) => new(va, null, $"address outside the translated range ({format.DescribeVaRange()})");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static TranslationFault Fault(VirtAddr va, int level, PteKind kind) =>
        new(va, level, kind == PteKind.Invalid ? "invalid entry" : "reserved entry");
}
