namespace Pmap.Core.Machine;

/// <summary>How Core evaluates each <see cref="RuleCheck"/> on the operations that followed one PTE store.</summary>
internal static class OrderingRules
{
    /// <summary>
    /// Null when the operations after the store at <paramref name="position"/> of <paramref name="window"/> satisfy the rule;
    /// otherwise the index of the operation after which the missing step belongs.
    /// </summary>
    public static int? Missing(RuleCheck check, OrderingWindow window, int position, bool oldValid, bool newValid, ArchModel arch)
    {
        var ops = window.Ops;
        var store = ops[position];
        var pa = store.EntryPa!.Value.Value;
        var from = position + 1; // the operations after the store
        var isNew = !oldValid && newValid;
        var removes = oldValid; // removed, or changed while valid
        var t = removes ? window.FirstInvalidating(pa, from) : -1;
        switch (check)
        {
            case RuleCheck.NewEntryBarrier when isNew:
                return window.NextOrders[from] < 0 ? store.Index : null;
            case RuleCheck.NewEntryContextSync when isNew:
                {
                    var dsb = window.NextOrders[from];
                    if (dsb < 0) return window.NextContextSync[from] < 0 ? store.Index : null;
                    return window.NextContextSync[dsb] < 0 ? ops[dsb].Index : null;
                }
            case RuleCheck.NewEntryInvalidate when isNew:
                return window.FirstInvalidating(pa, from) < 0 ? (from == ops.Length ? store.Index : ops[^1].Index) : null;
            case RuleCheck.RemovalInvalidate when removes:
                // The first ordering barrier after the store, else the store.
                return t < 0 ? (window.NextOrderingBarrier[from] is var b and >= 0 ? ops[b].Index : store.Index) : null;
            case RuleCheck.RemovalOrdered when removes:
                {
                    if (t < 0 || ops[t].Effect.HasFlag(OpEffect.OrdersStores)) return null;
                    var ordering = window.NextOrders[from];
                    return ordering >= 0 && ordering < t ? null : ops[t].Index - 1;
                }
            case RuleCheck.RemovalCompletion when removes:
                return t >= 0 && Completion(window, t) < 0 ? ops[t].Index : null;
            case RuleCheck.RemovalContextSync when removes:
                {
                    if (t < 0 || Completion(window, t) is not (var c and >= 0)) return null;
                    return window.NextContextSync[c] < 0 ? ops[c].Index : null;
                }
            case RuleCheck.LocalInvalidateUniprocessor when removes:
                return t >= 0 && !ops[t].Effect.HasFlag(OpEffect.Broadcast) && ops[t].State >= SystemState.SmpBoot ? ops[t].Index : null;
            case RuleCheck.BreakBeforeMake when oldValid && newValid:
                return Resizes(store, arch) ? store.Index - 1 : null;
            default:
                return null;
        }
    }

    public static string Consequence(RuleCheck check, VirtAddr? va, bool newValid)
    {
        var at = va is { } v ? $" of {v}" : "";
        return check switch
        {
            RuleCheck.NewEntryBarrier => $"a walk{at} may not see the new entry yet: a translation fault",
            RuleCheck.NewEntryContextSync => $"a later access{at} may be translated with the old (invalid) entry: a translation fault",
            RuleCheck.NewEntryInvalidate => $"the hart may hold a cached invalid entry{at}: a page fault on the next access",
            RuleCheck.BreakBeforeMake => $"both translations{at} may be live at once: TLB conflict abort or loss of coherency",
            RuleCheck.LocalInvalidateUniprocessor => $"other CPUs keep the stale translation{at}",
            _ when newValid => $"the old translation{at} stays usable next to the new one",
            _ => $"a stale translation{at} stays usable after the entry was removed",
        };
    }

    /// <summary>
    /// What completes the invalidation at <paramref name="t"/>: itself when it completes itself, else a later completing barrier
    /// of its reach; -1 for none. A barrier of this PE's reach alone completes a broadcast invalidation on this PE (herd7's VMSA
    /// model forbids the stale translation after tlbi vae2is; dsb nsh; isb): enough while one CPU runs, before
    /// SYS_STATE_smp_boot, as for a local invalidation.
    /// </summary>
    private static int Completion(OrderingWindow window, int t)
    {
        var op = window.Ops[t];
        if (op.Effect.HasFlag(OpEffect.CompletesInvalidation)) return t;
        var anyReach = !op.Effect.HasFlag(OpEffect.Broadcast) || op.State < SystemState.SmpBoot;
        return anyReach ? window.NextCompleting[t + 1] : window.NextCompletingBroadcast[t + 1];
    }

    /// <summary>A valid-to-valid change of output address or of table/block shape: what break-before-make is about.</summary>
    private static bool Resizes(MachineOp store, ArchModel arch)
    {
        var level = arch.Format.RootLevel + arch.Format.Step;
        return arch.Codec.Classify(store.Old, level) != arch.Codec.Classify(store.New, level)
               || arch.Codec.OutputAddress(store.Old, level) != arch.Codec.OutputAddress(store.New, level);
    }
}

/// <summary>
/// A function's window of operations with, for every position, where the next operation of each kind a rule looks for stands:
/// each rule then answers in constant time (or a binary search), so a function of N stores costs N, not N² (a boot's VMAP
/// ioremap stores thousands of entries before its one isb).
/// </summary>
internal sealed class OrderingWindow
{
    private readonly Dictionary<ulong, List<int>> _covering = []; // entry -> positions of the invalidations by VA whose walk reads it

    public OrderingWindow(MachineOp[] ops)
    {
        Ops = ops;
        var n = ops.Length;
        NextOrders = new int[n + 1];
        NextContextSync = new int[n + 1];
        NextOrderingBarrier = new int[n + 1];
        NextCompleting = new int[n + 1];
        NextCompletingBroadcast = new int[n + 1];
        NextInvalidateAll = new int[n + 1];
        int orders = -1, sync = -1, orderingBarrier = -1, completing = -1, completingBroadcast = -1, all = -1;
        for (var i = n; i >= 0; i--)
        {
            if (i < n)
            {
                var o = ops[i];
                var barrier = o.Kind == MachineOpKind.Barrier;
                if (o.Effect.HasFlag(OpEffect.OrdersStores))
                {
                    orders = i;
                    if (barrier) orderingBarrier = i;
                }
                if (o.Effect.HasFlag(OpEffect.ContextSync)) sync = i;
                if (barrier && o.Effect.HasFlag(OpEffect.CompletesInvalidation))
                {
                    completing = i;
                    if (o.Effect.HasFlag(OpEffect.Broadcast)) completingBroadcast = i;
                }
                if (o.Kind == MachineOpKind.Invalidate && o.All) all = i;
            }
            NextOrders[i] = orders;
            NextContextSync[i] = sync;
            NextOrderingBarrier[i] = orderingBarrier;
            NextCompleting[i] = completing;
            NextCompletingBroadcast[i] = completingBroadcast;
            NextInvalidateAll[i] = all;
        }
        for (var i = 0; i < n; i++)
        {
            if (ops[i].Kind != MachineOpKind.Invalidate || ops[i].All) continue;
            foreach (var pa in ops[i].Covers)
            {
                if (!_covering.TryGetValue(pa, out var at)) _covering[pa] = at = [];
                if (at.Count == 0 || at[^1] != i) at.Add(i);
            }
        }
    }

    public MachineOp[] Ops { get; }

    // For each position j (and j = Ops.Length): the first position at or after j holding such an operation, or -1.
    public int[] NextOrders { get; } // any operation that orders stores
    public int[] NextContextSync { get; }
    public int[] NextOrderingBarrier { get; } // a barrier that orders stores
    public int[] NextCompleting { get; } // a barrier that completes invalidations
    public int[] NextCompletingBroadcast { get; } // ... of broadcast reach
    public int[] NextInvalidateAll { get; }

    /// <summary>The first position at or after <paramref name="from"/> of an invalidation that covers the entry at <paramref name="entryPa"/>, or -1.</summary>
    public int FirstInvalidating(ulong entryPa, int from)
    {
        var all = NextInvalidateAll[from];
        if (!_covering.TryGetValue(entryPa, out var at)) return all;
        var k = at.BinarySearch(from);
        if (k < 0) k = ~k;
        var byVa = k < at.Count ? at[k] : -1;
        return all < 0 ? byVa : byVa < 0 ? all : Math.Min(all, byVa);
    }
}
