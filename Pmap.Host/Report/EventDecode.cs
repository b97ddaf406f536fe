using System.Text;
using Pmap.Core;
using Pmap.Core.Arch;
using Pmap.Core.Machine;

namespace Pmap.Host.Report;

/// <summary>
/// What the report shows when a timeline event is clicked: the instruction as the port declares it (its kind and what it
/// does for the maintenance rules), the entry a store wrote decoded field by field, or the rule a missing step breaks.
/// </summary>
public static class EventDecode
{
    public static string Of(ArchModel model, TraceEvent e)
    {
        var sb = new StringBuilder(TraceEvent.KindName(e.Kind));
        if (e.Op is { } op)
        {
            sb.Append(' ').Append(op);
            if (model.Instructions.TryGet(op, out var ins)) sb.Append($"\n{Kind(ins.Kind)}; {Effects(ins.Effect)}");
        }
        if (e.Kind == TraceKind.Missing) sb.Append($"\nnot executed: rule {e.Rule} wants it here");
        if (e.Table is { } t) sb.Append($"\nentry {t}{(e.Entry is { } i ? $"[{i}]" : "")}{(e.Pa is { } pa ? $" at PA {Hex.Format(pa.Value)}" : "")}");
        if (e.Va is { } va) sb.Append($"\nVA {Hex.Format(va.Value)}");
        if (e.Mfn is { } mfn) sb.Append($"\nMFN {Hex.Format(mfn.Value)}");
        if (e.Kind == TraceKind.PteWrite && e.New is { } raw)
        {
            if (e.Old is { } old) sb.Append($"\nold {Hex.Format(old)}");
            var level = e.Level ?? model.Format.LeafLevel;
            if (model.Format.IsLevel(level))
            {
                var d = model.Codec.Decode(raw, level);
                sb.Append($"\nnew {Hex.Format(raw)}: {d.Kind.JsonName()} entry at level {level}");
                if (d.OutputAddress is { } oa) sb.Append($", output address {Hex.Format(oa.Value)}");
                foreach (var f in d.Fields) sb.Append($"\n  {f.Name} [{f.Bits}] = {Hex.Format(f.Value)}: {f.Meaning}");
            }
        }
        if (e.Detail is { } detail) sb.Append('\n').Append(detail);
        return sb.ToString();
    }

    private static string Kind(InstructionKind k) => k switch
    {
        InstructionKind.Store => "the store of a page-table entry",
        InstructionKind.Barrier => "a barrier",
        InstructionKind.ContextSync => "a context-synchronising event",
        InstructionKind.InvalidateVa => "a TLB invalidation of one VA",
        _ => "a TLB invalidation of every VA",
    };

    // In the words of OpEffect's members (Pmap.Core/Machine/TranslationRules.cs).
    private static string Effects(OpEffect e)
    {
        var parts = new List<string>();
        if (e.HasFlag(OpEffect.OrdersStores)) parts.Add("earlier page-table stores complete before later translation");
        if (e.HasFlag(OpEffect.CompletesInvalidation)) parts.Add("earlier TLB invalidations complete");
        if (e.HasFlag(OpEffect.ContextSync)) parts.Add("later instructions translate with the tables as they are now");
        if (e.HasFlag(OpEffect.Broadcast)) parts.Add("acts on every CPU of the shareable domain");
        return parts.Count == 0 ? "no effect on translation the rules count" : string.Join("; ", parts);
    }
}
