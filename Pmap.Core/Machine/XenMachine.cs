using System.Runtime.CompilerServices;
using Pmap.Core.Arch;

namespace Pmap.Core.Machine;

/// <summary>Options of a simulated machine that are not Xen configuration.</summary>
public sealed record MachineOptions
{
    /// <summary>RAM banks; default: the architecture's <see cref="ArchModel.DefaultRam"/>.</summary>
    public IReadOnlyList<RamBank>? Ram { get; init; }
    public bool TraceEnabled { get; init; } = true;
    public int TlbEntries { get; init; } = 64;
    /// <summary>When set, a walk that uses a PTE not yet made visible (no ISB / fence since the write) sees the old value.</summary>
    public bool StrictOrdering { get; init; }
}

/// <summary>
/// One simulated machine running one architecture's Xen: physical memory, boot allocator, CPU with TLB,
/// trace, and the common PMAP. Architecture code calls the primitives here (PTE writes, barriers, TLB
/// operations, translated accesses) so that every effect is traced and counted in one place.
/// </summary>
public sealed class XenMachine
{
    private readonly Dictionary<ulong, string> _tableNames = [];
    // PTE writes not yet made visible to this CPU's walks (no context synchronisation since): entry PA and old value.
    // Rarely more than two, so a small array beats a dictionary on the map/unmap hot path.
    private (ulong Pa, ulong Old)[] _unsynchronised = new (ulong, ulong)[4];
    private int _unsynchronisedCount;

    private XenMachine(ArchModel arch, MachineOptions options)
    {
        Arch = arch;
        Options = options;
        Format = arch.Format;
        _needsContextSync = arch.NewEntriesNeedContextSync;
        _rootLevel = Format.RootLevel;
        _leafLevel = Format.LeafLevel;
        _step = Format.Step;
        _shifts = Format.WalkOrder.ToDictionary(l => l, Format.LevelShift) is var d ? Enumerable.Range(0, d.Keys.Max() + 1).Select(l => d.GetValueOrDefault(l)).ToArray() : [];
        _checksLeafAccess = arch.GetType().GetMethod(nameof(ArchModel.CheckLeafAccess))!.DeclaringType != typeof(ArchModel);
        Codec = arch.Codec;
        Debug = arch.Settings.Debug;
        Cpu = new Cpu(new Tlb(options.TlbEntries));
        Trace = new Trace { Enabled = options.TraceEnabled };
        Ram = options.Ram ?? [arch.DefaultRam];
    }

    /// <summary>A freshly booted machine: static tables built, boot allocator holding RAM minus Xen's image, early_boot.</summary>
    public static XenMachine Boot(ArchModel arch, MachineOptions? options = null)
    {
        var m = new XenMachine(arch, options ?? new MachineOptions());
        foreach (var bank in m.Ram) m.BootAllocator.InitBootPages(bank.Base, bank.End);
        m.BootAllocator.Reserve(arch.XenImage.Base, arch.XenImage.End);
        arch.SetupPageTables(m);
        m.Pmap = new PmapCore(m);
        m.Trace.Clear();
        return m;
    }

    private readonly bool _needsContextSync;
    // The format's numbers, read once: the walk uses them at every level.
    private readonly int _rootLevel, _leafLevel, _step;
    private readonly int[] _shifts;
    private readonly bool _checksLeafAccess;

    public ArchModel Arch { get; }
    public MachineOptions Options { get; }
    public PageTableFormat Format { get; }
    public IPteCodec Codec { get; }
    /// <summary>Debug build: ASSERTs are evaluated.</summary>
    public bool Debug { get; }
    public IReadOnlyList<RamBank> Ram { get; }
    public PhysicalMemory Memory { get; } = new();
    public BootAllocator BootAllocator { get; } = new();
    public Cpu Cpu { get; }
    public Tlb Tlb => Cpu.Tlb;
    public Trace Trace { get; }
    public MachineCounters Counters { get; } = new();
    public PmapCore Pmap { get; private set; } = null!;

    // ---- Xen's checks -------------------------------------------------------------------------

    /// <summary>ASSERT(condition): evaluated only in a debug build.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Assert(bool condition, string text, string where, string? site = null)
    {
        if (Debug && !condition) throw new XenAssertException(text, where, site);
    }

    /// <summary>BUG_ON(condition): always evaluated.</summary>
    public void BugOn(bool condition, string text, string where, string? site = null)
    {
        if (condition) throw new XenBugException(text, where, site);
    }

    // ---- Page-table pages -----------------------------------------------------------------------

    /// <summary>Gives a table page a name for the trace (xen_fixmap, xen_second, ...).</summary>
    public void NameTable(PhysAddr table, string name) => _tableNames[table.Value & Page.Mask] = name;

    public string TableName(PhysAddr table) =>
        _tableNames.TryGetValue(table.Value & Page.Mask, out var n) ? n : "table@" + Hex.Format(table.Value & Page.Mask);

    /// <summary>alloc_boot_pages(1, 1) for a new page-table page (create_xen_table in early boot).</summary>
    public Mfn AllocTablePage(int level)
    {
        var mfn = BootAllocator.AllocBootPages(1, 1);
        Counters.TablesAllocated++;
        if (Trace.Enabled) Trace.Add(new TraceEvent(TraceKind.TableAlloc) { Mfn = mfn, Pa = mfn.ToPhysAddr(), Level = level });
        return mfn;
    }

    // ---- Writes, barriers, TLB maintenance --------------------------------------------------------

    /// <summary>A PTE store straight into physical memory (Xen writing its static tables through its image mapping).</summary>
    public void WritePte(PhysAddr entryPa, ulong value, string storeOp)
    {
        var old = Memory.Write64(entryPa, value);
        NotePteWrite(entryPa, old, value, storeOp);
    }

    /// <summary>A PTE store through a virtual address (a table reached through PMAP): translated, then stored.</summary>
    public void WritePteVirt(VirtAddr entryVa, ulong value, string storeOp)
    {
        var frame = TranslateForAccess(entryVa, write: true, out var pagePa);
        var i = (int)(entryVa.PageOffset >> 3);
        var old = frame[i];
        frame[i] = value;
        NotePteWrite(pagePa.Add(entryVa.PageOffset & ~7UL), old, value, storeOp);
    }

    private void NoteUnsynchronised(ulong pa, ulong old)
    {
        for (var i = 0; i < _unsynchronisedCount; i++)
            if (_unsynchronised[i].Pa == pa) return; // keep the value from before the first unsynchronised write
        if (_unsynchronisedCount == _unsynchronised.Length) Array.Resize(ref _unsynchronised, _unsynchronised.Length * 2);
        _unsynchronised[_unsynchronisedCount++] = (pa, old);
    }

    private bool TryGetUnsynchronised(ulong pa, out ulong old)
    {
        for (var i = 0; i < _unsynchronisedCount; i++)
        {
            if (_unsynchronised[i].Pa != pa) continue;
            old = _unsynchronised[i].Old;
            return true;
        }
        old = 0;
        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void NotePteWrite(PhysAddr pa, ulong old, ulong value, string storeOp)
    {
        Counters.PteWrites++;
        if (_needsContextSync && old != value) NoteUnsynchronised(pa.Value, old);
        if (Trace.Enabled) TracePteWrite(pa, old, value, storeOp);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void TracePteWrite(PhysAddr pa, ulong old, ulong value, string storeOp)
    {
        var table = pa.Value & Page.Mask;
        Trace.Add(new TraceEvent(TraceKind.PteWrite)
        {
            Op = storeOp, Table = TableName(new PhysAddr(table)), Entry = (int)((pa.Value - table) >> 3), Pa = pa, Old = old, New = value,
        });
    }

    /// <summary>A barrier that orders memory accesses only (dsb, fence).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Barrier(string op)
    {
        Counters.Barriers++;
        if (Trace.Enabled) TraceOp(TraceKind.Barrier, op, null);
    }

    // Trace records are built out of line so that the hot paths stay small enough to inline when the trace is off.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void TraceOp(TraceKind kind, string op, VirtAddr? va) => Trace.Add(new TraceEvent(kind) { Op = op, Va = va });

    /// <summary>A context-synchronising barrier (isb): later translations see every completed PTE write.</summary>
    public void ContextSynchronize(string op)
    {
        Barrier(op);
        _unsynchronisedCount = 0;
    }

    /// <summary>Invalidate this CPU's TLB entry for one VA (tlbi vae2, TLBIMVAH, invlpg, sfence.vma).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void FlushTlbVa(string op, VirtAddr va, bool synchronizes = false)
    {
        Counters.TlbFlushes++;
        Tlb.FlushVa(va);
        if (synchronizes) _unsynchronisedCount = 0;
        if (Trace.Enabled) TraceOp(TraceKind.TlbFlush, op, va);
    }

    public void FlushTlbAll(string op, bool synchronizes = false)
    {
        Counters.TlbFlushes++;
        Tlb.FlushAll();
        if (synchronizes) _unsynchronisedCount = 0;
        if (Trace.Enabled) Trace.Add(new TraceEvent(TraceKind.TlbFlush) { Op = op });
    }

    /// <summary>Records something the model lets pass but a real CPU may not (or release Xen does silently).</summary>
    public void Hazard(string detail, VirtAddr? va = null)
    {
        Counters.Hazards++;
        if (Trace.Enabled) Trace.Add(new TraceEvent(TraceKind.Hazard) { Detail = detail, Va = va });
    }

    /// <summary>A line Xen prints (printk, or mm_printk in a debug build); kept as the last message for error reports.</summary>
    public void Printk(string message)
    {
        LastMessage = message;
        if (Trace.Enabled) Trace.Add(new TraceEvent(TraceKind.Printk) { Detail = message });
    }

    public string? LastMessage { get; private set; }

    // ---- Translation ------------------------------------------------------------------------

    /// <summary>
    /// A walk of the tables as they are in memory, from the current root, with no TLB: what a debugger or
    /// the verifier sees. Allocates nothing; records no ordering hazard (it is not the CPU translating).
    /// </summary>
    public PhysAddr? WalkFast(VirtAddr va, out ulong leafEntry, out int leafLevel, out TranslationFault? fault) =>
        Walk(va, null, hardware: false, out leafEntry, out leafLevel, out fault);

    /// <summary>The same inspection walk with every level recorded, for display.</summary>
    public WalkResult WalkDetailed(VirtAddr va)
    {
        var steps = new List<WalkStep>(Format.Levels);
        var pa = Walk(va, steps, hardware: false, out var leaf, out var level, out var fault);
        return new WalkResult(va, pa, fault, steps, leaf, fault is null ? level : null);
    }

    /// <param name="hardware">The CPU's own walk on a TLB miss: it may see an entry not yet made visible (hazard).</param>
    private PhysAddr? Walk(VirtAddr va, List<WalkStep>? steps, bool hardware, out ulong leafEntry, out int leafLevel, out TranslationFault? fault)
    {
        Counters.Walks++;
        leafEntry = 0;
        leafLevel = Format.LeafLevel;
        if (!Format.IsValidVa(va))
        {
            fault = new TranslationFault(va, null, $"address outside the translated range ({Format.DescribeVaRange()})");
            return null;
        }
        var table = Cpu.Root;
        var level = _rootLevel;
        var codec = Codec;
        while (true)
        {
            var index = (int)((va.Value >> _shifts[level]) & (Page.EntriesPerTable - 1));
            var entryPa = table.Add((ulong)index * Page.EntryBytes);
            var entry = TableFrame(table.ToMfn()) is { } frame ? frame[index] : 0;
            if (hardware && _unsynchronisedCount != 0 && TryGetUnsynchronised(entryPa.Value, out var before))
                entry = UnsynchronisedEntry(va, table, index, entry, before);
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
                    return new PhysAddr(output.Value | (va.Value & ((1UL << _shifts[level]) - 1)));
                case PteKind.Invalid:
                    fault = new TranslationFault(va, level, "invalid entry");
                    return null;
                default:
                    fault = new TranslationFault(va, level, "reserved entry");
                    return null;
            }
        }
    }

    // Page-table frames seen by walks, kept apart from the data frames that loads and stores touch, so that
    // a stream of data accesses does not evict the handful of tables every walk goes through.
    private const int TableCacheSize = 32;
    private readonly FrameSlot[] _tableCache = PhysicalMemory.NewSlots(TableCacheSize);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong[]? TableFrame(Mfn mfn)
    {
        ref var slot = ref _tableCache[(int)(mfn.Value & (TableCacheSize - 1))];
        if (slot.Key == mfn.Value) return slot.Frame;
        var frame = Memory.TryGetFrame(mfn);
        if (frame is not null) slot = new FrameSlot { Key = mfn.Value, Frame = frame };
        return frame;
    }

    /// <summary>A walk met an entry written with no synchronisation since: count it, trace it, and say which value the walk sees.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private ulong UnsynchronisedEntry(VirtAddr va, PhysAddr table, int index, ulong entry, ulong before)
    {
        Counters.Hazards++;
        if (Trace.Enabled)
            Trace.Add(new TraceEvent(TraceKind.Hazard)
            {
                Va = va,
                Detail = $"walk of {va} uses {TableName(table)}[{index}] = {Hex.Format(entry)} written with no context synchronisation since (was {Hex.Format(before)})",
            });
        return Options.StrictOrdering ? before : entry;
    }

    /// <summary>Translation as a load/store sees it: TLB, then walk and fill. Throws the fault Xen would die of.</summary>
    public PhysAddr Translate(VirtAddr va, bool write = false)
    {
        TranslateForAccess(va, write, out var pagePa);
        return pagePa.Add(va.PageOffset);
    }

    private ulong[] TranslateForAccess(VirtAddr va, bool write, out PhysAddr pagePa)
    {
        ref var e = ref Tlb.Lookup(va, out var hit);
        if (hit && !e.Negative && e.Frame is not null)
        {
            pagePa = e.PagePa;
            return e.Frame;
        }
        if (hit && e.Negative) throw Fault(new TranslationFault(va, null, "invalid entry cached in the TLB"), write);

        Counters.TlbMisses++;
        var pa = Walk(va, null, hardware: true, out var leaf, out var level, out var fault);
        if (pa is null)
        {
            if (Arch.CachesInvalidEntries) Tlb.FillNegative(va);
            throw Fault(fault!, write);
        }
        if (_checksLeafAccess && Arch.CheckLeafAccess(leaf, level, write) is { } denied)
            throw Fault(new TranslationFault(va, level, denied), write);
        pagePa = new PhysAddr(pa.Value.Value & Page.Mask);
        var frame = Memory.GetOrCreateFrame(pagePa.ToMfn());
        Tlb.Fill(va, pagePa, leaf, level, frame);
        return frame;
    }

    private HypervisorFaultException Fault(TranslationFault fault, bool write)
    {
        if (Trace.Enabled) Trace.Add(new TraceEvent(TraceKind.Fault) { Va = fault.Va, Level = fault.Level, Detail = fault.Reason });
        return new HypervisorFaultException(fault, write ? "store" : "load");
    }

    /// <summary>An 8-byte load through a virtual address.</summary>
    public ulong ReadVirt64(VirtAddr va)
    {
        var frame = TranslateForAccess(va, write: false, out _);
        return frame[(int)(va.PageOffset >> 3)];
    }

    /// <summary>An 8-byte store through a virtual address.</summary>
    public void WriteVirt64(VirtAddr va, ulong value)
    {
        var frame = TranslateForAccess(va, write: true, out _);
        frame[(int)(va.PageOffset >> 3)] = value;
    }

    /// <summary>clear_page(va): one translated store, then the whole page zeroed.</summary>
    public void ClearPageVirt(VirtAddr va)
    {
        var frame = TranslateForAccess(va, write: true, out _);
        Array.Clear(frame);
    }
}
