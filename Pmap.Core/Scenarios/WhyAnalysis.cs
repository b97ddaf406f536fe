#pragma warning disable CS1591 // Not yet documented member by member; the types say what they are.
using Pmap.Core.Arch;
using Pmap.Core.Machine;

namespace Pmap.Core.Scenarios;

/// <summary>What deleting one instruction of a hook does: the rules it breaks, or why nothing breaks.</summary>
/// <param name="Hook">The Xen function the instruction is in.</param>
/// <param name="Index">Its place among the function's instructions.</param>
/// <param name="Instruction">The mnemonic.</param>
/// <param name="Verdict">Needed, redundant or jointly necessary.</param>
/// <param name="Rules">The rules broken without it.</param>
/// <param name="Reason">Why, in words.</param>
public sealed record InstructionVerdict(string Hook, int Index, string Instruction, WhyVerdict Verdict, IReadOnlyList<string> Rules, string Reason)
{
    /// <summary>A deletion nothing noticed and nothing explains: the rules or the scenarios miss something.</summary>
    public bool Unexplained => Verdict == WhyVerdict.Redundant && Reason == WhyAnalysis.NoReason;
}

/// <summary>What deleting one instruction does (pmap hazards --why).</summary>
public enum WhyVerdict
{
    /// <summary>Deleting it alone breaks a rule or a scenario.</summary>
    Needed,

    /// <summary>Nothing breaks without it.</summary>
    Redundant,

    /// <summary>Not needed alone, but it and another of its hook break something when both go.</summary>
    JointlyNecessary,
}

/// <summary>The one mapping of <see cref="WhyVerdict"/> to the strings docs/CLI.md gives them.</summary>
public static class WhyVerdicts
{
    /// <summary>needed, redundant, jointly-necessary.</summary>
    public static string JsonName(this WhyVerdict verdict) => verdict switch
    {
        WhyVerdict.Needed => "needed",
        WhyVerdict.Redundant => "redundant",
        WhyVerdict.JointlyNecessary => "jointly-necessary",
        _ => throw new ArgumentOutOfRangeException(nameof(verdict), verdict, null),
    };
}

/// <summary>
/// pmap hazards --why: deletes each store, barrier, invalidation and ISB a port's hooks perform, one at a time, through the
/// machine's primitives (so it serves any port), reruns the hazard scenarios and says what each deletion breaks. An instruction
/// is a call site of the port's code inside the hook: deleting it deletes every execution of it in every run of the hook. One
/// whose deletion breaks nothing is tried in pairs with the others of its hook: two that only break together are jointly necessary.
/// </summary>
public static class WhyAnalysis
{
    public const string NoReason = "nothing breaks without it and nothing later in the sequence supplies its effect";

    public static IReadOnlyList<InstructionVerdict> Run(ArchModel model, HazardReport? baseline = null, HookSequences? sequences = null)
    {
        baseline ??= HazardScenarios.Run(model, sequences: sequences);
        var baseKeys = Keys(baseline);
        var verdicts = new List<InstructionVerdict>();
        foreach (var (hook, ops) in baseline.HookOps.OrderBy(h => h.Key, StringComparer.Ordinal))
        {
            var broken = new Dictionary<int, List<string>>();
            for (var k = 0; k < ops.Count; k++) broken[k] = Breaks(model, baseKeys, [(hook, k)], sequences);
            for (var k = 0; k < ops.Count; k++)
            {
                if (broken[k].Count > 0)
                {
                    verdicts.Add(new InstructionVerdict(hook, k, ops[k], WhyVerdict.Needed, broken[k], $"without it: {string.Join("; ", broken[k])}"));
                    continue;
                }
                var partners = Enumerable.Range(0, ops.Count).Where(j => j != k && broken[j].Count == 0)
                    .Select(j => (j, rules: Breaks(model, baseKeys, [(hook, k), (hook, j)], sequences))).Where(p => p.rules.Count > 0).ToList();
                verdicts.Add(partners.Count > 0
                    ? new InstructionVerdict(hook, k, ops[k], WhyVerdict.JointlyNecessary, partners[0].rules,
                        $"not needed alone; jointly necessary with {string.Join(", ", partners.Select(p => $"#{p.j} `{ops[p.j]}`"))}: " +
                        $"without both, {string.Join("; ", partners[0].rules)}")
                    : new InstructionVerdict(hook, k, ops[k], WhyVerdict.Redundant, [],
                        RedundantReason(model, baseline.SiteWindows.GetValueOrDefault((hook, k)) ?? baseline.Windows.GetValueOrDefault(hook) ?? [], k)));
            }
        }
        return verdicts;
    }

    private static string Of(WindowOp w) => w.Own ? "" : $" of {w.Hook}";

    private static HashSet<(string, string, bool)> Keys(HazardReport r) => r.Violations.Select(v => (v.Rule.Id, v.Hook, v.AtUse)).ToHashSet();

    /// <summary>The rule ids (or the failure) a mutant adds over the baseline.</summary>
    private static List<string> Breaks(ArchModel model, HashSet<(string, string, bool)> baseKeys, IReadOnlyList<(string, int)> mutation,
        HookSequences? sequences)
    {
        var r = HazardScenarios.Run(model, mutation, sequences);
        var rules = r.Violations.Where(v => !baseKeys.Contains((v.Rule.Id, v.Hook, v.AtUse))).Select(v => v.Rule.Id).Distinct().ToList();
        rules.AddRange(r.Failures.Select(f => $"the scenario fails ({f})"));
        return rules;
    }

    /// <summary>Why a barrier nothing misses is not needed: it precedes every store of its run, or a later operation does its work.</summary>
    private static string RedundantReason(ArchModel model, IReadOnlyList<WindowOp> window, int site)
    {
        // Its last execution in the first run of the hook that executed it: the one nearest the end, where the hook must leave
        // things ready.
        var at = window.Select((w, i) => (w, i)).LastOrDefault(x => x.w.Own && x.w.Op.Site == site);
        if (at.w is null) return NoReason;
        var op = at.w.Op;
        if (op.Kind == MachineOpKind.Store) return NoReason;
        // A run that changed no PTE (Xen's populate_pt_range over tables that exist still flushes): nothing to order or invalidate.
        if (!window.Any(w => w.Own && w.Op.Kind == MachineOpKind.Store))
            return window.Any(w => w.Own) ? "the run of the hook it ends stores no PTE: it has nothing to order or invalidate" : NoReason;
        if (!window.Take(at.i).Any(w => w.Own && w.Op.Kind == MachineOpKind.Store))
            return "it comes before the hook's first PTE store: every rule about a store asks for steps after it";
        // An invalidation after new entries only, on a hart whose rules do not cache invalid ones (RISC-V with Svvptc).
        if (op.Kind == MachineOpKind.Invalidate && model.Maintenance.Find(RuleCheck.NewEntryInvalidate) is null
            && window.Take(at.i).Where(w => w.Own && w.Op.Kind == MachineOpKind.Store).All(w => w.Op.Old == 0))
            return $"every PTE store before it creates an entry, and no rule of this {model.Name} asks for an invalidation after a new entry";
        var effect = op.Effect & ~OpEffect.Broadcast;
        bool Does(WindowOp w) => (w.Op.Effect & effect) == effect && w.Op.Effect != OpEffect.None;
        var later = window.Skip(at.i + 1).FirstOrDefault(Does);
        if (later is not null) return $"`{later.Op.Text}`{Of(later)}, which follows it, does its work ({effect})";
        // Or one after the last store it could serve, before it: a second barrier with nothing left to order.
        var sinceStore = window.Take(at.i).Reverse().TakeWhile(w => w.Op.Kind != MachineOpKind.Store).FirstOrDefault(Does);
        return sinceStore is null
            ? NoReason
            : $"`{sinceStore.Op.Text}`{Of(sinceStore)} already did its work ({effect}) after the last PTE store, and no store comes between them";
    }
}
