using Pmap.Core;
using Pmap.Core.Machine;

namespace Pmap.Verify.RealAsm;

/// <summary>
/// A rule a real call breaks: at <paramref name="At"/> (the instruction after which, or before which when
/// <paramref name="Before"/>, the step is missing), in the traced call <paramref name="Call"/>.
/// </summary>
public sealed record RealHazard(TranslationRule Rule, string Call, ExecutedInstruction At, bool Before, IReadOnlyList<string> Sequence,
    VirtAddr? Va, ulong? EntryVa, PhysAddr? EntryPa, PhysAddr? Pa, string Consequence);

/// <summary>Where the real binary's instructions meet the model's rule checker: the same <see cref="OrderingReplay"/>.</summary>
public sealed class RealOrdering(ArchModel model, RealClassifier classifier, ulong physOffset)
{
    /// <summary>The rules each call breaks (each rule and call once, at its first occurrence), in the order found.</summary>
    public IReadOnlyList<RealHazard> Check(IReadOnlyList<ExecutedCall> calls, Func<int, int, bool>? deleted = null)
    {
        var replay = new OrderingReplay(model, _ => "xen_fixmap");
        var hazards = new List<RealHazard>();
        var seen = new HashSet<(string, string)>();
        for (var c = 0; c < calls.Count; c++)
        {
            var call = calls[c];
            var ins = call.Instructions;
            var firstStore = ins.FirstOrDefault(i => i.Role == RealRole.PteStore)?.EntryVa;
            replay.Begin(call.Call, firstStore is { } e ? SlotVa(e) : null);
            for (var k = 0; k < ins.Count; k++)
            {
                var i = ins[k];
                if (deleted?.Invoke(c, k) == true || i.Port is not { } op) continue;
                var tag = ((long)c << 32) | (uint)k;
                if (i.Role == RealRole.PteStore) replay.Store(tag, op, EntryPa(i.EntryVa!.Value), i.Old, i.New, call.State);
                else if (op.Kind == InstructionKind.InvalidateVa)
                    replay.Execute(tag, op, call.State, new VirtAddr(i.Va!.Value), Covers(i.Va.Value));
                else replay.Execute(tag, op, call.State);
            }
            foreach (var m in replay.End())
            {
                if (!seen.Add((m.Violation.Rule.Id, call.Call))) continue;
                var at = ins[(int)(m.Seq & uint.MaxValue)];
                var v = m.Violation;
                hazards.Add(new RealHazard(v.Rule, call.Call, at, m.Before, Sequence(ins, at, m.Before, v.Rule, deleted is null ? null : k => deleted(c, k)),
                    v.Va, v.EntryPa is { } pa ? pa.Value - physOffset : null, v.EntryPa, v.Pa, v.Consequence));
            }
        }
        return hazards;
    }

    /// <summary>The entry's physical address: Xen's VA plus its phys_offset.</summary>
    public PhysAddr EntryPa(ulong entryVa) => new(entryVa + physOffset);

    /// <summary>The VA an entry of xen_fixmap maps: the fixmap's leaf table covers one aligned block holding FIXADDR_START.</summary>
    public VirtAddr SlotVa(ulong entryVa)
    {
        var f = model.Format;
        var block = f.LevelSize(f.LeafLevel - f.Step);
        var first = model.Fixmap.FixaddrStart.Value & ~(block - 1);
        return new VirtAddr(first + ((entryVa - classifier.FixmapTable) / Page.EntryBytes << Page.Shift));
    }

    /// <summary>The fixmap entry that translates <paramref name="va"/>, when it is one (a tlbi of any other VA covers none of them).</summary>
    private List<ulong> Covers(ulong va)
    {
        var f = model.Format;
        var block = f.LevelSize(f.LeafLevel - f.Step);
        if ((va & ~(block - 1)) != (model.Fixmap.FixaddrStart.Value & ~(block - 1))) return [];
        var entry = classifier.FixmapTable + ((ulong)f.Index(new VirtAddr(va), f.LeafLevel) * Page.EntryBytes);
        return [EntryPa(entry).Value];
    }

    /// <summary>The call's ordering instructions with their PCs, and the missing step marked where it belongs.</summary>
    public static List<string> Sequence(IReadOnlyList<ExecutedInstruction> ins, ExecutedInstruction? at, bool before, TranslationRule? rule,
        Func<int, bool>? deleted = null)
    {
        var seq = new List<string>();
        for (var k = 0; k < ins.Count; k++)
        {
            var i = ins[k];
            if (!i.Ordering || deleted?.Invoke(k) == true) continue;
            if (ReferenceEquals(i, at) && before) seq.Add($"<missing: {rule!.Missing}>");
            seq.Add(Describe(i));
            if (ReferenceEquals(i, at) && !before) seq.Add($"<missing: {rule!.Missing}>");
        }
        return seq;
    }

    /// <summary>An instruction as hazards show it: PC, disassembly, and for a PTE store the entry and values.</summary>
    public static string Describe(ExecutedInstruction i) => i.Role switch
    {
        RealRole.PteStore => $"{Hex.Format(i.Pc)} {i.Decoded.Text} (xen_fixmap entry {Hex.Format(i.EntryVa ?? 0)}: {Hex.Format(i.Old)} -> {Hex.Format(i.New)})",
        RealRole.Undeclared => $"{Hex.Format(i.Pc)} {i.Decoded.Text} (not in the port's vocabulary: not checked)",
        _ => $"{Hex.Format(i.Pc)} {i.Decoded.Text}",
    };
}
