#pragma warning disable CS1591 // Not yet documented member by member; the types say what they are.

namespace Pmap.Core.Machine;

/// <summary>What a primitive operation was: a PTE store, a barrier (dsb, fence, isb) or a TLB invalidation.</summary>
public enum MachineOpKind
{
    Store,
    Barrier,
    Invalidate,
}

/// <summary>One primitive operation the CPU executed, in program order, with what the rules need of it.</summary>
public sealed record MachineOp(int Index, int Frame, MachineOpKind Kind, string Op, OpEffect Effect, SystemState State)
{
    public PhysAddr? EntryPa { get; init; }
    /// <summary>Names the table an entry sits in; the entry's text is built only when shown (a boot stores millions).</summary>
    internal Func<PhysAddr, string>? TableName { get; init; }
    public string? Entry => EntryPa is { } pa && TableName is { } name ? $"{name(new PhysAddr(pa.Value & Page.Mask))}[{(pa.Value & ~Page.Mask) >> 3}]" : null;
    public ulong Old { get; init; }
    public ulong New { get; init; }
    public VirtAddr? Va { get; init; }
    /// <summary>An invalidation of every VA (tlbi alle2, sfence.vma with no operand, a CR3 write).</summary>
    public bool All { get; init; }
    /// <summary>For an invalidation by VA: the entries its VA is translated through (so it covers stores to them).</summary>
    public IReadOnlyList<ulong> Covers { get; init; } = [];
    /// <summary>The instruction (call site) of its hook that executed it; -1 outside a hook.</summary>
    public int Site { get; internal set; } = -1;
    /// <summary>The sequence number of its trace event (<see cref="Trace.NextSeq"/> when it ran); -1 with no trace.</summary>
    public long TraceSeq { get; internal set; } = -1;

    public bool Invalidates(ulong entryPa) => Kind == MachineOpKind.Invalidate && (All || Covers.Contains(entryPa));

    public string Text => Kind switch
    {
        MachineOpKind.Store => $"{Op} {Entry} = {Hex.Format(New)}",
        MachineOpKind.Invalidate when All => Op,
        MachineOpKind.Invalidate => $"{Op} {Va}",
        _ => Op,
    };
}

/// <summary>One operation of a hook's run: the operation, the hook that executed it, and whether that is the hook itself.</summary>
public sealed record WindowOp(MachineOp Op, string Hook, bool Own);

/// <summary>A rule the executed sequence breaks: at the end of the Xen function that should have made it safe, or at a use.</summary>
/// <param name="Rule">The rule broken.</param>
/// <param name="Hook">The Xen function (arch_pmap_map, xen_pt_update...).</param>
/// <param name="AtUse">Seen at a use of the entry rather than at the function's end.</param>
/// <param name="Va">The virtual address concerned.</param>
/// <param name="EntryPa">Where the entry sits.</param>
/// <param name="Pa">What it maps.</param>
/// <param name="Consequence">What the architecture allows the CPU to see.</param>
/// <param name="Sequence">The function's own instructions in order, with "&lt;missing: ...&gt;" where the rule wants a step.</param>
public sealed record OrderingViolation(TranslationRule Rule, string Hook, bool AtUse, IReadOnlyList<string> Sequence, VirtAddr? Va,
    PhysAddr? EntryPa, PhysAddr? Pa, string Consequence);

/// <summary>A step a rule wants, found at a function's end: placed after (or, <paramref name="Before"/>, before) the traced event numbered <paramref name="Seq"/>.</summary>
public sealed record MissingStep(OrderingViolation Violation, long Seq, bool Before);

/// <summary>
/// Follows the primitives a port's hooks execute, frame by frame (arch_pmap_map, arch_pmap_unmap, xen_pt_update, ...), and
/// applies the architecture's <see cref="MaintenanceRules"/> at the end of each frame and at each use of an entry the rules do
/// not yet guarantee. It can also delete one operation of a named hook (a mutant), to find out which rule needs it.
/// </summary>
public sealed class OrderingChecker(ArchModel arch, Func<PhysAddr, string> tableName)
{
    private sealed record Frame(int Id, string Name, int Start, VirtAddr? Va)
    {
        /// <summary>The index, among its hook's call sites, of the primitive being executed; -1 before the first.</summary>
        public int Site { get; set; } = -1;
    }

    private readonly List<MachineOp> _ops = [];
    private readonly Stack<Frame> _frames = new();
    private readonly List<OrderingViolation> _violations = [];
    private readonly HashSet<(string, string, bool)> _seen = [];
    // The function that last wrote each entry and its own operations; the sequence text is built only when a use needs it.
    private readonly Dictionary<ulong, (string Hook, List<MachineOp> Own)> _lastSequence = [];
    private readonly Dictionary<string, IReadOnlyList<string>> _hookOps = [];
    private int _nextFrame;

    public MaintenanceRules Rules { get; } = arch.Maintenance;

    /// <summary>The mutant: skip the operations at these positions (0-based) of every run of these hooks.</summary>
    public IReadOnlyList<(string Hook, int Index)>? Mutation { get; init; }

    /// <summary>
    /// The trace the machine keeps, when it keeps one: each operation notes its event's sequence number so that every missing step
    /// (each run, not only the first of a rule) can be placed in the trace where it belongs (<see cref="TakeMissing"/>).
    /// </summary>
    public Trace? Trace { get; init; }

    private readonly List<MissingStep> _missing = [];

    /// <summary>Replaying a real binary's stream (<see cref="OrderingReplay"/>): the number of the instruction being added, in place of a trace's.</summary>
    internal long? ReplayTag { get; set; }

    /// <summary>Each operation carries where it stands (a trace's sequence number or a replay's tag), so every run can be placed.</summary>
    private bool Placed => Trace is not null || ReplayTag is not null;

    /// <summary>The missing steps found since the last call, in the order found, each with where it belongs in the trace.</summary>
    public IReadOnlyList<MissingStep> TakeMissing()
    {
        if (_missing.Count == 0) return [];
        var taken = _missing.ToList();
        _missing.Clear();
        return taken;
    }

    public IReadOnlyList<OrderingViolation> Violations => _violations;

    /// <summary>Each hook's own operations, as its first run executed them.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> HookOps => _hookOps;

    /// <summary>Each hook's instructions (distinct call sites, in first-reached order), each shown as its first execution.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> HookInstructions =>
        _siteText.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)kv.Value);

    internal void Begin(string hook, VirtAddr? va)
    {
        _frameNames[_nextFrame] = hook;
        _frames.Push(new Frame(_nextFrame++, hook, _ops.Count, va));
    }

    private readonly Dictionary<int, string> _frameNames = [];
    private readonly Dictionary<string, IReadOnlyList<WindowOp>> _windows = [];

    /// <summary>Everything the CPU executed during each hook's first run, nested hooks included, in order.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<WindowOp>> Windows => _windows;

    private readonly Dictionary<(string Hook, int Site), IReadOnlyList<WindowOp>> _siteWindows = [];

    /// <summary>
    /// For each instruction of a hook, the first run of the hook that executed it (a path the first run did not take, such as
    /// xen_pt_update's flush after a removal, is judged in a run that took it).
    /// </summary>
    public IReadOnlyDictionary<(string Hook, int Site), IReadOnlyList<WindowOp>> SiteWindows => _siteWindows;

    internal void End()
    {
        var f = _frames.Pop();
        var window = _ops.GetRange(f.Start, _ops.Count - f.Start).ToArray();
        var own = window.Where(o => o.Frame == f.Id).ToList();
        // Only a hook's first run is kept for display: a boot runs xen_pt_update over thousands of entries.
        if (!_hookOps.ContainsKey(f.Name)) _hookOps[f.Name] = own.Select(o => o.Text).ToList();
        List<WindowOp>? shown = null;
        List<WindowOp> Shown() => shown ??= [.. window.Select(o => new WindowOp(o, _frameNames.GetValueOrDefault(o.Frame, "(no hook)"), o.Frame == f.Id))];
        if (!_windows.ContainsKey(f.Name)) _windows[f.Name] = Shown();
        foreach (var o in own)
            if (o.Site >= 0 && !_siteWindows.ContainsKey((f.Name, o.Site))) _siteWindows[(f.Name, o.Site)] = Shown();
        OrderingWindow? index = null; // built at the first store of the function's own
        for (var i = 0; i < window.Length; i++)
            if (window[i].Frame == f.Id && window[i].Kind == MachineOpKind.Store) Analyse(f, index ??= new OrderingWindow(window), i, own);
        // No function is open: no later window reaches back this far, so the operations can go (indexes start again).
        if (_frames.Count == 0) _ops.Clear();
    }

    /// <summary>
    /// Called before each primitive with the port's call site (an instruction of the port's code): true when the mutant deletes it.
    /// A hook's instructions are its distinct call sites, numbered in the order its runs first reach them.
    /// </summary>
    internal bool Skip(string member, int line)
    {
        if (!_frames.TryPeek(out var f)) return false;
        var site = (member, line);
        if (!_sites.TryGetValue(f.Name, out var sites)) _sites[f.Name] = sites = [];
        var k = sites.IndexOf(site);
        if (k < 0)
        {
            k = sites.Count;
            sites.Add(site);
        }
        f.Site = k;
        return Mutation is { } mu && mu.Contains((f.Name, k));
    }

    private readonly Dictionary<string, List<(string Member, int Line)>> _sites = [];

    internal void Store(PhysAddr pa, ulong old, ulong value, string op, SystemState state) =>
        Add(new MachineOp(_ops.Count, CurrentFrame, MachineOpKind.Store, op, OpEffect.None, state)
        {
            EntryPa = pa,
            TableName = tableName,
            Old = old,
            New = value,
        });

    internal void Barrier(Instruction op, SystemState state) =>
        Add(new MachineOp(_ops.Count, CurrentFrame, MachineOpKind.Barrier, op.Mnemonic, op.Effect, state));

    internal void Invalidate(Instruction op, VirtAddr? va, IReadOnlyList<ulong> covers, SystemState state) =>
        Add(new MachineOp(_ops.Count, CurrentFrame, MachineOpKind.Invalidate, op.Mnemonic, op.Effect, state)
        {
            Va = va,
            All = va is null,
            Covers = covers,
        });

    /// <summary>A hardware walk used an entry whose new value the rules do not yet guarantee.</summary>
    internal void UseOfPending(VirtAddr va, PhysAddr entryPa, ulong before)
    {
        var rule = Rules.Find(RuleCheck.NewEntryContextSync) ?? Rules.Find(RuleCheck.NewEntryInvalidate) ?? Rules.Find(RuleCheck.NewEntryBarrier);
        if (rule is null) return;
        var (hook, seq) = _lastSequence.TryGetValue(entryPa.Value, out var s) ? (s.Hook, Sequence(s.Own, null, null)) : ("(no hook)", []);
        Report(new OrderingViolation(rule, hook, true, seq, va, entryPa, null,
            $"the access to {va} may still see the entry before the store ({Hex.Format(before)}): a translation fault"));
    }

    /// <summary>A scenario saw a translation the rules say is gone (a load through an unmapped or remapped VA reached the old frame).</summary>
    public void StaleUse(VirtAddr va, string consequence)
    {
        if (Rules.Find(RuleCheck.RemovalInvalidate) is not { } rule) return;
        var (hook, seq) = LastSequence();
        Report(new OrderingViolation(rule, hook, true, seq, va, null, null, consequence));
    }

    /// <summary>The MMU refused a leaf for a reason a rule states (Svade A/D).</summary>
    internal void AccessDenied(VirtAddr va, string reason)
    {
        if (Rules.Find(RuleCheck.AccessedDirty) is not { } rule) return;
        var (hook, seq) = LastSequence();
        Report(new OrderingViolation(rule, hook, true, seq, va, null, null, $"the access to {va} faults: {reason}"));
    }

    private (string Hook, List<string> Sequence) LastSequence() =>
        _lastSequence.Count > 0 && _lastSequence.Values.Last() is var (hook, own) ? (hook, Sequence(own, null, null)) : ("(no hook)", []);

    private int CurrentFrame => _frames.TryPeek(out var f) ? f.Id : -1;

    private void Add(MachineOp op)
    {
        // Set in place: a boot adds hundreds of thousands of operations, and a copy each would double what they cost.
        if (Trace is { } t) op.TraceSeq = t.NextSeq;
        else if (ReplayTag is { } tag) op.TraceSeq = tag;
        if (!_frames.TryPeek(out var f) || f.Site < 0)
        {
            _ops.Add(op);
            return;
        }
        if (!_siteText.TryGetValue(f.Name, out var texts)) _siteText[f.Name] = texts = [];
        var k = f.Site;
        op.Site = k;
        _ops.Add(op);
        while (texts.Count <= k) texts.Add("");
        if (texts[k].Length == 0) texts[k] = op.Text;
    }

    private readonly Dictionary<string, List<string>> _siteText = [];

    private void Report(OrderingViolation v)
    {
        if (_seen.Add((v.Rule.Id, v.Hook, v.AtUse))) _violations.Add(v);
    }

    private void Analyse(Frame f, OrderingWindow window, int position, List<MachineOp> own)
    {
        var store = window.Ops[position];
        var pa = store.EntryPa!.Value;
        var oldValid = Valid(store.Old);
        var newValid = Valid(store.New);
        if (store.Old == store.New || (!oldValid && !newValid)) return;
        _lastSequence[pa.Value] = (f.Name, own);
        foreach (var rule in Rules.Rules)
        {
            var missingAfter = OrderingRules.Missing(rule.Check, window, position, oldValid, newValid, arch);
            if (missingAfter is not { } at) continue;
            // Reported once per rule and function; every run is still placed in the trace when one is kept.
            var first = !_seen.Contains((rule.Id, f.Name, false));
            if (!first && !Placed) continue;
            var va = f.Va ?? (window.FirstInvalidating(pa.Value, position + 1) is var t and >= 0 ? window.Ops[t].Va : null);
            var output = arch.Codec.OutputAddress(newValid ? store.New : store.Old, arch.Format.LeafLevel);
            var v = new OrderingViolation(rule, f.Name, false, first ? Sequence(own, at, rule) : [], va, pa, output,
                OrderingRules.Consequence(rule.Check, va, newValid));
            if (Placed) _missing.Add(at >= 0 ? new MissingStep(v, _ops[at].TraceSeq, false) : new MissingStep(v, store.TraceSeq, true));
            Report(v);
        }
    }

    // The store's level is not known here: an entry is valid when it reads as a table, block or page at a middle level or at the leaf level.
    private bool Valid(ulong raw) =>
        arch.Codec.Classify(raw, arch.Format.RootLevel + arch.Format.Step) is PteKind.Table or PteKind.Block or PteKind.Page
        || arch.Codec.Classify(raw, arch.Format.LeafLevel) is PteKind.Page or PteKind.Block;

    private static List<string> Sequence(List<MachineOp> own, int? missingAfter, TranslationRule? rule)
    {
        var seq = new List<string>();
        var placed = missingAfter is null;
        foreach (var o in own)
        {
            if (!placed && o.Index > missingAfter)
            {
                seq.Add($"<missing: {rule!.Missing}>");
                placed = true;
            }
            seq.Add(o.Text);
        }
        if (!placed) seq.Add($"<missing: {rule!.Missing}>");
        return seq;
    }
}
