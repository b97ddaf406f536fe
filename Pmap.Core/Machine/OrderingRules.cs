namespace Pmap.Core.Machine;

/// <summary>How Core evaluates each <see cref="RuleCheck"/> on the operations that followed one PTE store.</summary>
internal static class OrderingRules
{
    /// <summary>
    /// Null when the operations after <paramref name="store"/> satisfy the rule; otherwise the index of the operation after
    /// which the missing step belongs.
    /// </summary>
    public static int? Missing(RuleCheck check, MachineOp store, IReadOnlyList<MachineOp> after, bool oldValid, bool newValid, ArchModel arch)
    {
        var pa = store.EntryPa!.Value.Value;
        var isNew = !oldValid && newValid;
        var removes = oldValid; // removed, or changed while valid
        var t = removes ? Tlbi(after, pa) : null;
        switch (check)
        {
            case RuleCheck.NewEntryBarrier when isNew:
                return First(after, o => o.Effect.HasFlag(OpEffect.OrdersStores)) is null ? store.Index : null;
            case RuleCheck.NewEntryContextSync when isNew:
                {
                    var dsb = First(after, o => o.Effect.HasFlag(OpEffect.OrdersStores));
                    if (dsb is null) return First(after, o => o.Effect.HasFlag(OpEffect.ContextSync)) is null ? store.Index : null;
                    return First(after, o => o.Index >= dsb.Index && o.Effect.HasFlag(OpEffect.ContextSync)) is null ? dsb.Index : null;
                }
            case RuleCheck.NewEntryInvalidate when isNew:
                return First(after, o => o.Invalidates(pa)) is null ? LastIndex(after, store) : null;
            case RuleCheck.RemovalInvalidate when removes:
                return t is null ? LastOrdering(after, store) : null;
            case RuleCheck.RemovalOrdered when removes:
                {
                    if (t is null || t.Effect.HasFlag(OpEffect.OrdersStores)) return null;
                    return First(after, o => o.Index < t.Index && o.Effect.HasFlag(OpEffect.OrdersStores)) is null ? t.Index - 1 : null;
                }
            case RuleCheck.RemovalCompletion when removes:
                return t is not null && Completion(after, t) is null ? t.Index : null;
            case RuleCheck.RemovalContextSync when removes:
                {
                    if (t is null || Completion(after, t) is not { } c) return null;
                    return First(after, o => o.Index >= c.Index && o.Effect.HasFlag(OpEffect.ContextSync)) is null ? c.Index : null;
                }
            case RuleCheck.LocalInvalidateUniprocessor when removes:
                return t is not null && !t.Effect.HasFlag(OpEffect.Broadcast) && t.State >= SystemState.SmpBoot ? t.Index : null;
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

    private static MachineOp? First(IReadOnlyList<MachineOp> ops, Func<MachineOp, bool> p) => ops.FirstOrDefault(p);

    private static MachineOp? Tlbi(IReadOnlyList<MachineOp> after, ulong pa) => First(after, o => o.Invalidates(pa));

    /// <summary>
    /// What completes the invalidation: itself when it completes itself, else a later completing barrier of its reach. A barrier
    /// of this PE's reach alone completes a broadcast invalidation on this PE (herd7's VMSA model forbids the stale translation
    /// after tlbi vae2is; dsb nsh; isb): enough while one CPU runs, before SYS_STATE_smp_boot, as for a local invalidation.
    /// </summary>
    private static MachineOp? Completion(IReadOnlyList<MachineOp> after, MachineOp t) =>
        t.Effect.HasFlag(OpEffect.CompletesInvalidation)
            ? t
            : First(after, o => o.Index > t.Index && o.Kind == MachineOpKind.Barrier && o.Effect.HasFlag(OpEffect.CompletesInvalidation)
                                && (o.Effect.HasFlag(OpEffect.Broadcast) || !t.Effect.HasFlag(OpEffect.Broadcast) || t.State < SystemState.SmpBoot));

    private static int LastOrdering(IReadOnlyList<MachineOp> after, MachineOp store) =>
        after.Where(o => o.Kind == MachineOpKind.Barrier && o.Effect.HasFlag(OpEffect.OrdersStores))
            .Select(o => o.Index).DefaultIfEmpty(store.Index).First();

    private static int LastIndex(IReadOnlyList<MachineOp> after, MachineOp store) => after.Count == 0 ? store.Index : after[after.Count - 1].Index;

    /// <summary>A valid-to-valid change of output address or of table/block shape: what break-before-make is about.</summary>
    private static bool Resizes(MachineOp store, ArchModel arch)
    {
        var level = arch.Format.RootLevel + arch.Format.Step;
        return arch.Codec.Classify(store.Old, level) != arch.Codec.Classify(store.New, level)
               || arch.Codec.OutputAddress(store.Old, level) != arch.Codec.OutputAddress(store.New, level);
    }
}
