namespace Pmap.Verify.RealAsm;

/// <summary>
/// One real instruction's verdict: <c>needed</c> (deleting it breaks <paramref name="Rules"/>), <c>redundant</c>,
/// <c>jointly-necessary</c> (redundant alone, not together with another), <c>pte-store</c> (the store the rules judge),
/// <c>ignored</c> (not an ordering instruction) or <c>undeclared</c> (an ordering instruction the port does not declare: not checked).
/// </summary>
public sealed record RealVerdict(string Call, int Index, ExecutedInstruction Instruction, string Verdict, IReadOnlyList<string> Rules, string Reason);

/// <summary>`hazards --why` on a real binary: each instruction of each distinct path deleted in turn, through the same checker.</summary>
public static class RealWhy
{
    public static IReadOnlyList<RealVerdict> Run(RealOrdering ordering, IReadOnlyList<ExecutedCall> calls, IReadOnlyList<RealPath> streams)
    {
        var verdicts = new List<RealVerdict>();
        foreach (var s in streams)
        {
            // The stream's first call alone: each store carries the value it replaced, so no other call is needed.
            var upTo = calls.Where(c => ReferenceEquals(c.Instructions, s.Instructions)).Take(1).ToList();
            const int first = 0;
            var baseline = Rules(ordering.Check(upTo), s.Call);
            var ins = s.Instructions;
            var alone = new Dictionary<int, List<string>>();
            for (var k = 0; k < ins.Count; k++)
                if (ins[k].Port is not null) alone[k] = Broken(ordering, upTo, first, [k], s.Call, baseline);
            for (var k = 0; k < ins.Count; k++)
            {
                var i = ins[k];
                if (i.Role == RealRole.Ignored)
                {
                    verdicts.Add(new RealVerdict(s.Call, k, i, "ignored", [], "not an ordering instruction: kept for context"));
                    continue;
                }
                if (i.Port is null)
                {
                    verdicts.Add(new RealVerdict(s.Call, k, i, "undeclared", [], "the port does not declare it: its effect was not checked"));
                    continue;
                }
                if (i.Role == RealRole.PteStore)
                {
                    verdicts.Add(new RealVerdict(s.Call, k, i, "pte-store", [], "the store the rules judge: without it there is nothing to order"));
                    continue;
                }
                if (alone[k] is { Count: > 0 } rules)
                {
                    verdicts.Add(new RealVerdict(s.Call, k, i, "needed", rules, $"without it: {string.Join(", ", rules)}"));
                    continue;
                }
                var partner = alone.Where(a => a.Key != k && a.Value.Count == 0)
                    .Select(a => (a.Key, Rules: Broken(ordering, upTo, first, [k, a.Key], s.Call, baseline)))
                    .FirstOrDefault(p => p.Rules.Count > 0);
                verdicts.Add(partner.Rules is { Count: > 0 } joint
                    ? new RealVerdict(s.Call, k, i, "jointly-necessary", joint,
                        $"redundant alone; without it and #{partner.Key} ({ins[partner.Key].Decoded.Text} at {Hex.Format(ins[partner.Key].Pc)}): {string.Join(", ", joint)}")
                    : new RealVerdict(s.Call, k, i, "redundant", [], "nothing the rules check breaks without it"));
            }
        }
        return verdicts;
    }

    private static List<string> Broken(RealOrdering ordering, List<ExecutedCall> calls, int call, int[] deleted, string name, HashSet<string> baseline) =>
        [.. Rules(ordering.Check(calls, (c, k) => c == call && deleted.Contains(k)), name).Where(r => !baseline.Contains(r)).Order()];

    private static HashSet<string> Rules(IReadOnlyList<RealHazard> hazards, string call) => [.. hazards.Where(h => h.Call == call).Select(h => h.Rule.Id)];
}
