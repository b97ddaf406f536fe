using Pmap.Core.Arch;

namespace Pmap.Core.Scenarios;

/// <summary>What deleting one instruction of a hook does: the rules it breaks, or why nothing breaks.</summary>
/// <param name="Verdict">needed, redundant or jointly-necessary.</param>
public sealed record InstructionVerdict(string Hook, int Index, string Instruction, string Verdict, IReadOnlyList<string> Rules, string Reason);

/// <summary>
/// pmap hazards --why: deletes each store, barrier, invalidation and ISB a port's hooks perform, one at a time, through the
/// machine's primitives (so it serves any port), reruns the hazard scenarios and says what each deletion breaks. An instruction
/// whose deletion breaks nothing is tried in pairs with the others of its hook: two that only break together are jointly
/// necessary. Positions are those of a hook's first run; a hook whose runs differ in length (xen_pt_update over several
/// entries) has its k-th operation deleted in every run.
/// </summary>
public static class WhyAnalysis
{
    public const string Needed = "needed", Redundant = "redundant", Joint = "jointly-necessary";

    public static IReadOnlyList<InstructionVerdict> Run(ArchModel model, HazardReport? baseline = null)
    {
        baseline ??= HazardScenarios.Run(model);
        var baseKeys = Keys(baseline);
        var verdicts = new List<InstructionVerdict>();
        foreach (var (hook, ops) in baseline.HookOps.OrderBy(h => h.Key, StringComparer.Ordinal))
        {
            var broken = new Dictionary<int, List<string>>();
            for (var k = 0; k < ops.Count; k++) broken[k] = Breaks(model, baseKeys, [(hook, k)]);
            for (var k = 0; k < ops.Count; k++)
            {
                if (broken[k].Count > 0)
                {
                    verdicts.Add(new InstructionVerdict(hook, k, ops[k], Needed, broken[k], $"without it: {string.Join("; ", broken[k])}"));
                    continue;
                }
                var partners = Enumerable.Range(0, ops.Count).Where(j => j != k && broken[j].Count == 0)
                    .Select(j => (j, rules: Breaks(model, baseKeys, [(hook, k), (hook, j)]))).Where(p => p.rules.Count > 0).ToList();
                verdicts.Add(partners.Count > 0
                    ? new InstructionVerdict(hook, k, ops[k], Joint, partners[0].rules,
                        $"not needed alone; jointly necessary with {string.Join(", ", partners.Select(p => $"#{p.j} `{ops[p.j]}`"))}: " +
                        $"without both, {string.Join("; ", partners[0].rules)}")
                    : new InstructionVerdict(hook, k, ops[k], Redundant, [], RedundantReason(ops, k)));
            }
        }
        return verdicts;
    }

    private static HashSet<(string, string, bool)> Keys(HazardReport r) => r.Violations.Select(v => (v.Rule.Id, v.Hook, v.AtUse)).ToHashSet();

    /// <summary>The rule ids (or the failure) a mutant adds over the baseline.</summary>
    private static List<string> Breaks(ArchModel model, HashSet<(string, string, bool)> baseKeys, IReadOnlyList<(string, int)> mutation)
    {
        var r = HazardScenarios.Run(model, mutation);
        var rules = r.Violations.Where(v => !baseKeys.Contains((v.Rule.Id, v.Hook, v.AtUse)))
            .Select(v => v.Rule.Id).Distinct().Select(id => id).ToList();
        rules.AddRange(r.Failures.Select(f => $"the scenario fails ({f})"));
        return rules;
    }

    private static string RedundantReason(IReadOnlyList<string> ops, int k)
    {
        var op = ops[k];
        var same = Enumerable.Range(0, ops.Count).Where(j => j != k && ops[j] == op).ToList();
        if (k + 1 < ops.Count && op.StartsWith("dsb", StringComparison.Ordinal) && ops.Skip(k + 1).FirstOrDefault(o => o.StartsWith("str", StringComparison.Ordinal)
                || o.StartsWith("sd", StringComparison.Ordinal) || o.StartsWith("mov", StringComparison.Ordinal)) is not null
            && Enumerable.Range(0, k).All(j => !IsStore(ops[j])))
            return "it precedes the PTE store: no rule orders anything before the store, and every rule about the store is met by what follows it";
        if (op.StartsWith("fence", StringComparison.Ordinal))
            return "sfence.vma orders the hart's earlier page-table stores before its later implicit references itself";
        return same.Count > 0
            ? $"another `{op}` in the same function (#{same[0]}) already provides its effect"
            : "no rule needs it in the scenarios: every rule about the stores around it is met without it";
    }

    private static bool IsStore(string op) => op.StartsWith("str", StringComparison.Ordinal) || op.StartsWith("sd ", StringComparison.Ordinal)
                                             || op.StartsWith("mov ", StringComparison.Ordinal);
}
