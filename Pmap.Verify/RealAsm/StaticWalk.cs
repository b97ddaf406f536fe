using Pmap.Core;

namespace Pmap.Verify.RealAsm;

/// <summary>The static walk cannot follow the code (an indirect branch, a trap on its path, a path with no end).</summary>
public sealed class StaticWalkException(string message) : Exception(message);

/// <summary>
/// pmap_map's and pmap_unmap's instructions read from xen-syms, without running them: from the function's entry, the path a
/// normal call takes. A conditional branch is not taken (Xen's error paths, ASSERT and BUG frames and panic, are placed out of
/// line), unless its fall-through is a trap (brk), then it is; an unconditional branch and a direct call (bl) are followed and
/// ret returns. Registers are evaluated where the code states them (adrp, add, mov, movk, lsl, ...); a store whose address is
/// xen_fixmap plus an unknown index is taken as the call's slot's entry, FIX_PMAP_BEGIN (the slot the first pmap_map of a boot
/// takes), and a value the code does not state is the entry pmap_map writes (a valid one, as the model's arch_pmap_map writes).
/// </summary>
public static class StaticWalk
{
    /// <summary>How static mode treats branches, as the output says it.</summary>
    public const string Policy =
        "conditional branches not taken (the fall-through path a normal call takes; error paths to BUG frames and panic are out of line), " +
        "taken when their fall-through is a trap; unconditional branches and bl followed, ret returns " +
        "(inside a callee the path may differ from a real call's: find_next_zero_bit from bit 0 branches)";

    public const int MaxSteps = 20_000;

    /// <summary>A normal pair: pmap_map of a free slot, then pmap_unmap of it, at SYS_STATE_early_boot.</summary>
    public static IReadOnlyList<ExecutedCall> Run(RealBinary bin, Arm64Decoder decoder, RealClassifier classifier, ArchModel model, ulong validEntry)
    {
        var slot = model.Fixmap.FixPmapBegin;
        var va = model.Fixmap.FixToVirt(slot).Value;
        var entry = bin.XenFixmap + ((ulong)model.Format.Index(new VirtAddr(va), model.Format.LeafLevel) * Page.EntryBytes);
        var memory = new Dictionary<ulong, ulong>();
        return
        [
            new ExecutedCall("pmap_map", SystemState.EarlyBoot, Walk(bin, bin.PmapMap, decoder, classifier, entry, va, validEntry, memory)),
            new ExecutedCall("pmap_unmap", SystemState.EarlyBoot, Walk(bin, bin.PmapUnmap, decoder, classifier, entry, va, validEntry, memory)),
        ];
    }

    private static List<ExecutedInstruction> Walk(RealBinary bin, ulong start, Arm64Decoder decoder, RealClassifier classifier, ulong slotEntry,
        ulong slotVa, ulong validEntry, Dictionary<ulong, ulong> memory)
    {
        var registers = new RegisterFile();
        var returns = new Stack<ulong>();
        var executed = new List<ExecutedInstruction>();
        var pc = start;
        while (true)
        {
            if (executed.Count >= MaxSteps)
                throw new StaticWalkException($"the path from {classifier.FunctionAt(start)} did not return within {MaxSteps} instructions (a loop with no exit on its fall-through)");
            var d = Decode(bin, decoder, classifier, pc);
            var e = classifier.Classify(d, registers.Get);
            if (e.Role == RealRole.PteStore)
            {
                var at = e.EntryVa ?? slotEntry;
                var value = e.Exact ? e.New : Arm64Decoder.ValueRegister(d) is { } r && registers.Get(r) is { Exact: true } v ? v.Value : validEntry;
                e = e with { EntryVa = at, Old = memory.GetValueOrDefault(at), New = value };
                memory[at] = value;
            }
            else if (e.Role == RealRole.Invalidate && e.Port?.Kind == InstructionKind.InvalidateVa && e.Va is null) e = e with { Va = slotVa };
            executed.Add(e);
            registers.Execute(d);
            switch (d.Class)
            {
                case DecodedClass.Return when returns.Count == 0:
                    return executed;
                case DecodedClass.Return:
                    pc = returns.Pop();
                    break;
                case DecodedClass.Call:
                    returns.Push(pc + 4);
                    pc = d.Target!.Value;
                    break;
                case DecodedClass.Branch when !d.Conditional:
                    pc = d.Target!.Value;
                    break;
                case DecodedClass.Branch:
                    pc = Decode(bin, decoder, classifier, pc + 4).Class == DecodedClass.Trap ? d.Target!.Value : pc + 4;
                    break;
                case DecodedClass.Indirect or DecodedClass.Trap:
                    throw new StaticWalkException($"{d.Text} at {Hex.Format(pc)} in {e.Function}: the static path cannot go on (use the dynamic mode)");
                default:
                    pc += 4;
                    break;
            }
        }
    }

    private static DecodedInstruction Decode(RealBinary bin, Arm64Decoder decoder, RealClassifier classifier, ulong pc) =>
        bin.Elf.Word(pc) is { } word
            ? decoder.Decode(pc, word)
            : throw new StaticWalkException($"{Hex.Format(pc)} ({classifier.FunctionAt(pc)}) is in no section of {bin.Name}");
}
