#pragma warning disable CS1591 // Some public members here still lack XML documentation: to fill in (every other file is complete).
using System.Runtime.CompilerServices;
using Member = System.Runtime.CompilerServices.CallerMemberNameAttribute;
using Site = System.Runtime.CompilerServices.CallerLineNumberAttribute;

namespace Pmap.Core.Machine;

/// <summary>
/// One simulated machine running one architecture's Xen: the primitives a port calls (Xen's checks, PTE
/// writes, barriers, TLB maintenance, translated accesses), each traced and counted here, over the pieces
/// that do the work: memory, boot allocator, CPU and TLB, <see cref="Walker"/>, <see cref="Ordering"/>,
/// <see cref="Mmu"/>, and pmap.c itself (<see cref="Pmap"/>).
/// </summary>
public sealed partial class XenMachine
{
    private readonly Dictionary<ulong, string> _tableNames = [];
    private readonly bool _needsContextSync;
    private StaleUse? _staleUse;
    private readonly bool _debug; // fixed at start: read once, not through the port on every ASSERT
    // A trace or an ordering checker watches this machine (fixed at start): when neither does, each primitive tests this
    // one field and does its work, and the bookkeeping for them is never reached.
    private readonly bool _observed;
    private readonly InstructionSet _vocabulary; // the only instructions the port's hooks may execute

    /// <summary>A machine of <paramref name="arch"/> with the given RAM banks, before Xen's tables exist.</summary>
    public XenMachine(ArchModel arch, IReadOnlyList<RamBank> ram, MachineOptions? options = null)
    {
        Arch = arch;
        Options = options ?? new MachineOptions();
        Ram = ram;
        _needsContextSync = arch.NewEntriesNeedContextSync;
        _debug = arch.Debug;
        _vocabulary = arch.Instructions;
        Tlb = new Tlb(Options.TlbEntries);
        Cpu = new Cpu(Tlb);
        Trace = new Trace { Enabled = Options.TraceEnabled };
        Walker = new Walker(Memory, arch.Format, arch.Codec, Ordering, Counters) { OnUnsynchronised = UnsynchronisedEntry };
        Mmu = new Mmu(Cpu, Memory, Walker, arch, Trace, Counters);
        if (Options.CheckOrdering || Options.Mutation is not null)
        {
            Checker = new OrderingChecker(arch, TableName) { Mutation = Options.Mutation, Trace = Trace.Enabled ? Trace : null };
            Mmu.OnDenied = Checker.AccessDenied;
        }
        if (Options.StrictOrdering) Mmu.ExplainFault = va => _staleUse is { } s && s.Va == va ? StrictOrdering.Cause(this, s) : null;
        _observed = Checker is not null || Trace.Enabled || Options.Sequences is not null;
        Pmap = new CommonPmap(this);
        foreach (var bank in ram) BootAllocator.InitBootPages(bank.Base, bank.End);
    }

    public ArchModel Arch { get; }
    public MachineOptions Options { get; }
    public PageTableFormat Format => Arch.Format;
    public IPteCodec Codec => Arch.Codec;
    /// <summary>Debug build: ASSERTs are evaluated.</summary>
    public bool Debug => _debug;
    public IReadOnlyList<RamBank> Ram { get; }
    public PhysicalMemory Memory { get; } = new();
    public BootAllocator BootAllocator { get; } = new();
    public Cpu Cpu { get; }
    /// <summary>The CPU's TLB (<see cref="Cpu.Tlb"/>), held here too: a flush reaches it with one load fewer.</summary>
    public Tlb Tlb { get; }
    public Trace Trace { get; }
    public MachineCounters Counters { get; } = new();
    public Ordering Ordering { get; } = new();
    /// <summary>The page-table walker the MMU uses.</summary>
    public Walker Walker { get; }
    public Mmu Mmu { get; }
    public CommonPmap Pmap { get; }

    /// <summary>The ordering checker, when <see cref="MachineOptions.CheckOrdering"/> or a mutation asks for one.</summary>
    public OrderingChecker? Checker { get; }

    /// <summary>ASSERT(condition): evaluated only in a debug build.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Assert(bool condition, string text, string where, string? site = null)
    {
        if (Debug && !condition) throw new XenAssertException(text, where, site);
    }

    /// <summary>Gives a table page a name for the trace (xen_fixmap, xen_second, ...).</summary>
    public void NameTable(PhysAddr table, string name) => _tableNames[table.Value & Page.Mask] = name;

    public string TableName(PhysAddr table) =>
        _tableNames.TryGetValue(table.Value & Page.Mask, out var n) ? n : "table@" + Hex.Format(table.Value & Page.Mask);

    /// <summary>Xen's heap, once <see cref="EndBootAllocator"/> has made it.</summary>
    public BuddyHeap? Heap { get; private set; }

    /// <summary>end_boot_allocator(): the boot allocator's free regions handed to the heap, in Xen's order.</summary>
    public void EndBootAllocator(int maxOrder)
    {
        Heap = new BuddyHeap(maxOrder);
        foreach (var (s, e) in BootAllocator.TakeRegions()) Heap.InitHeapPages(s, e - s);
    }

    /// <summary>alloc_domheap_page(NULL, 0), after end_boot_allocator.</summary>
    public Mfn AllocDomheapPage() =>
        (Heap ?? throw new InvalidOperationException("alloc_domheap_page before end_boot_allocator")).AllocDomheapPage() is { } mfn
            ? new Mfn(mfn)
            : throw new XenPanicException("alloc_domheap_page: the heap is empty", "alloc_heap_pages", "common/page_alloc.c");

    /// <summary>
    /// A new page-table page for create_xen_table: alloc_boot_pages(1, 1) in early boot, alloc_domheap_page once the boot
    /// allocator has ended.
    /// </summary>
    public Mfn AllocTablePage(int level)
    {
        var mfn = Heap is null ? BootAllocator.AllocBootPages(1, 1) : AllocDomheapPage();
        Counters.TablesAllocated++;
        if (Trace.Enabled) Trace.Add(new TraceEvent(TraceKind.TableAlloc) { Mfn = mfn, Pa = mfn.ToPhysAddr(), Level = level });
        return mfn;
    }

    /// <summary>alloc_boot_pages(nr_pfns, pfn_align) for anything but a table (setup_frametable_mappings' frame table).</summary>
    public Mfn AllocBootPages(ulong nr, ulong align) => BootAllocator.AllocBootPages(nr, align);

    /// <summary>A PTE store straight into physical memory (Xen writing its static tables through its image mapping).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WritePte(PhysAddr entryPa, ulong value, Instruction storeOp, [Member] string member = "", [Site] int line = 0)
    {
        Declared(storeOp, InstructionKind.Store, member);
        if (_observed) ObservedWritePte(entryPa, value, storeOp, member, line);
        else NotePteWrite(entryPa, Memory.Write64(entryPa, value), value);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ObservedWritePte(PhysAddr entryPa, ulong value, Instruction storeOp, string member, int line)
    {
        if (Capturing)
        {
            CaptureStore(entryPa, value, storeOp);
            return;
        }
        if (Checker?.Skip(member, line) == true) return;
        var old = Memory.Write64(entryPa, value);
        NotePteWrite(entryPa, old, value);
        Observe(entryPa, old, value, storeOp, member);
    }

    /// <summary>A PTE store through a virtual address (a table reached through PMAP): translated, then stored.</summary>
    public void WritePteVirt(VirtAddr entryVa, ulong value, Instruction storeOp, [Member] string member = "", [Site] int line = 0)
    {
        Declared(storeOp, InstructionKind.Store, member);
        if (Capturing && WalkFast(entryVa, out _, out _, out _) is { } entryPa)
        {
            CaptureStore(entryPa, value, storeOp);
            return;
        }
        if (Checker?.Skip(member, line) == true) return;
        var old = Mmu.Write64(entryVa, value, out var pa);
        NotePteWrite(pa, old, value);
        if (_observed) Observe(pa, old, value, storeOp, member);
    }

    /// <summary>What every PTE store does to the machine: counted, and on Arm held for the next context synchronisation.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void NotePteWrite(PhysAddr pa, ulong old, ulong value)
    {
        Counters.PteWrites++;
        if (_needsContextSync && old != value) Ordering.NoteWrite(pa.Value, old);
    }

    private void Observe(PhysAddr pa, ulong old, ulong value, Instruction storeOp, string member)
    {
        Checker?.Store(pa, old, value, storeOp.Mnemonic, Cpu.SystemState);
        if (Trace.Enabled) TracePteWrite(pa, old, value, storeOp.Mnemonic, member);
    }

    // Trace records are built out of line so that the hot paths stay small enough to inline when the trace is off.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void TracePteWrite(PhysAddr pa, ulong old, ulong value, string storeOp, string member)
    {
        var table = pa.Value & Page.Mask;
        Trace.Add(new TraceEvent(TraceKind.PteWrite)
        {
            Op = storeOp,
            Function = member,
            Hook = CurrentHook,
            Table = TableName(new PhysAddr(table)),
            Entry = (int)((pa.Value - table) >> 3),
            Pa = pa,
            Old = old,
            New = value,
        });
    }

    /// <summary>A barrier (dsb sy, dsb nshst, fence): what it orders is the effect its port declared.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Barrier(Instruction op, [Member] string member = "", [Site] int line = 0)
    {
        Declared(op, InstructionKind.Barrier, member);
        if (_observed) ObservedBarrier(op, member, line);
        else Counters.Barriers++;
    }

    /// <summary>A context-synchronising barrier (isb): later translations see every completed PTE write.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void ContextSynchronize(Instruction op, [Member] string member = "", [Site] int line = 0)
    {
        Declared(op, InstructionKind.ContextSync, member);
        if (!_observed) Counters.Barriers++;
        else if (!ObservedBarrier(op, member, line)) return;
        Ordering.ContextSynchronize();
    }

    /// <summary>A barrier with a checker or a trace watching: false when the mutant deletes it.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool ObservedBarrier(Instruction op, string member, int line)
    {
        if (Capturing) return false;
        if (Checker is { } c)
        {
            if (c.Skip(member, line)) return false;
            c.Barrier(op, Cpu.SystemState);
        }
        Counters.Barriers++;
        if (Trace.Enabled) Trace.Add(new TraceEvent(TraceKind.Barrier) { Op = op.Mnemonic, Function = member, Hook = CurrentHook });
        return true;
    }

    /// <summary>Notes an invalidation for the checker; false when the mutant deletes it.</summary>
    private bool NoteInvalidate(OrderingChecker c, Instruction op, VirtAddr? va, string member, int line)
    {
        if (c.Skip(member, line)) return false;
        List<ulong> covers = [];
        if (va is { } v)
        {
            var steps = new List<WalkStep>(Format.Levels);
            Walker.WalkUncounted(Cpu.Root, v, steps, hardware: false, out _, out _, out _);
            covers = [.. steps.Select(s => s.Table.Value + ((ulong)s.Index * Page.EntryBytes))];
        }
        c.Invalidate(op, va, covers, Cpu.SystemState);
        return true;
    }

    /// <summary>Invalidate this CPU's TLB entry for one VA (tlbi vae2, TLBIMVAH, invlpg, sfence.vma).</summary>
    /// <remarks>An instruction declared to synchronise context (sfence.vma, invlpg) also makes every completed PTE write visible.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void FlushTlbVa(Instruction op, VirtAddr va, ulong? reg = null, [Member] string member = "", [Site] int line = 0)
    {
        Declared(op, InstructionKind.InvalidateVa, member);
        if (_observed && !ObservedInvalidate(op, va, reg, member, line)) return;
        Counters.TlbFlushes++;
        Tlb.FlushVa(va);
        if (op.Synchronizes) Ordering.ContextSynchronize();
    }

    /// <summary>Invalidate every TLB entry (tlbi alle2, a CR3 write, an SBI remote sfence.vma of the whole space).</summary>
    public void FlushTlbAll(Instruction op, [Member] string member = "", [Site] int line = 0)
    {
        Declared(op, InstructionKind.InvalidateAll, member);
        if (_observed && !ObservedInvalidate(op, null, null, member, line)) return;
        Counters.TlbFlushes++;
        Tlb.FlushAll();
        if (op.Synchronizes) Ordering.ContextSynchronize();
    }

    /// <summary>An invalidation with a checker or a trace watching: false when the mutant deletes it.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool ObservedInvalidate(Instruction op, VirtAddr? va, ulong? reg, string member, int line)
    {
        if (Capturing)
        {
            CaptureFlush(va, reg);
            return false;
        }
        if (Checker is { } c && !NoteInvalidate(c, op, va, member, line)) return false;
        if (Trace.Enabled)
            Trace.Add(new TraceEvent(TraceKind.TlbFlush) { Op = op.Mnemonic, Va = va, Reg = reg, Function = member, Hook = CurrentHook });
        return true;
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

    /// <summary>A hardware walk met an entry written with no synchronisation since: count it, trace it, and say which value it sees.</summary>
    private ulong UnsynchronisedEntry(VirtAddr va, PhysAddr table, int index, ulong entry, ulong before)
    {
        Counters.Hazards++;
        Checker?.UseOfPending(va, table.Add((ulong)index * Page.EntryBytes), before);
        if (Trace.Enabled)
            Trace.Add(new TraceEvent(TraceKind.Hazard)
            {
                Va = va,
                Detail = $"walk of {va} uses {TableName(table)}[{index}] = {Hex.Format(entry)} " +
                    $"written with no context synchronisation since (was {Hex.Format(before)})",
            });
        if (!Options.StrictOrdering) return entry;
        _staleUse = new StaleUse(va, table, index, entry, before);
        return before;
    }
}
