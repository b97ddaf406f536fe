#pragma warning disable CS1591 // Some public members here still lack XML documentation: to fill in (every other file is complete).
namespace Pmap.Core.Machine;

/// <summary>Kinds of trace events; the names are the CLI's JSON "kind" strings.</summary>
public enum TraceKind
{
    PteWrite,
    Barrier,
    TlbFlush,
    TableAlloc,
    Map,
    Unmap,
    Fault,
    /// <summary>Something a real CPU may get wrong that the model let pass (e.g. a walk using a PTE written with no ISB since).</summary>
    Hazard,
    /// <summary>A message Xen prints (printk / mm_printk) before it returns an error.</summary>
    Printk,
    /// <summary>A step a maintenance rule wants where it is not: placed where it belongs among the instructions, with the rule.</summary>
    Missing,
}

/// <summary>One thing the simulated hypervisor did. Fields not meaningful for a kind are null.</summary>
public sealed record TraceEvent(TraceKind Kind)
{
    /// <summary>The instruction (barrier, TLB op, store) or the PMAP operation.</summary>
    public string? Op { get; init; }
    public string? Table { get; init; }
    public int? Entry { get; init; }
    public PhysAddr? Pa { get; init; }
    public ulong? Old { get; init; }
    public ulong? New { get; init; }
    public VirtAddr? Va { get; init; }
    public Mfn? Mfn { get; init; }
    public int? Slot { get; init; }
    public int? Level { get; init; }
    public string? Detail { get; init; }

    /// <summary>The value a TLB operation takes in its register when that is not the VA (tlbi vae2: VA &gt;&gt; PAGE_SHIFT).</summary>
    public ulong? Reg { get; init; }

    /// <summary>The id of the maintenance rule a missing step breaks (ARM-NEW-ISB).</summary>
    public string? Rule { get; init; }

    /// <summary>
    /// The port's method that executed the instruction, as the compiler names the call site (WritePte,
    /// FlushXenTlbRangeVaLocal): the Xen function it models, for grouping a trace by function.
    /// </summary>
    public string? Function { get; init; }

    /// <summary>The bracketed Xen function running when it executed (arch_pmap_map, xen_pt_update), if any.</summary>
    public string? Hook { get; init; }

    public static string KindName(TraceKind kind) => kind switch
    {
        TraceKind.PteWrite => "pte-write",
        TraceKind.Barrier => "barrier",
        TraceKind.TlbFlush => "tlb-flush",
        TraceKind.TableAlloc => "table-alloc",
        TraceKind.Map => "map",
        TraceKind.Unmap => "unmap",
        TraceKind.Fault => "fault",
        TraceKind.Hazard => "hazard",
        TraceKind.Printk => "printk",
        TraceKind.Missing => "missing",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}

/// <summary>The event trace. Off, it records nothing and costs one branch per event site.</summary>
public sealed class Trace
{
    private readonly List<TraceEvent> _events = [];
    // Each event's sequence number, in step with _events: an event keeps its number when one is inserted before it.
    private readonly List<long> _seqs = [];
    private long _nextSeq;
    /// <summary>Fixed when the machine starts, so that a machine with neither trace nor checker can skip both with one test.</summary>
    public bool Enabled { get; init; } = true;
    public IReadOnlyList<TraceEvent> Events => _events;
    public int Count => _events.Count;

    /// <summary>The sequence number the next event added will carry.</summary>
    public long NextSeq => _nextSeq;

    public void Add(TraceEvent e)
    {
        if (!Enabled) return;
        _events.Add(e);
        _seqs.Add(_nextSeq++);
    }

    /// <summary>
    /// Places <paramref name="e"/> right after the event numbered <paramref name="afterSeq"/> (before it when
    /// <paramref name="before"/>): a finding made at a function's end, put where it belongs in what the CPU did.
    /// </summary>
    public void InsertAt(long afterSeq, bool before, TraceEvent e)
    {
        if (!Enabled) return;
        var i = _seqs.LastIndexOf(afterSeq);
        var at = i < 0 ? _events.Count : before ? i : i + 1;
        _events.Insert(at, e);
        _seqs.Insert(at, _nextSeq++);
    }

    public void Clear()
    {
        _events.Clear();
        _seqs.Clear();
    }

    /// <summary>Events recorded since <paramref name="mark"/> (a previous <see cref="Count"/>).</summary>
    public IReadOnlyList<TraceEvent> Since(int mark) => _events.Skip(mark).ToList();
}

/// <summary>Counters kept whether or not the trace is on.</summary>
public sealed class MachineCounters
{
    public long PteWrites { get; set; }
    public long Barriers { get; set; }
    public long TlbFlushes { get; set; }
    public long TlbMisses { get; set; }
    public long TablesAllocated { get; set; }
    public long Walks { get; set; }
    public long Hazards { get; set; }
}
