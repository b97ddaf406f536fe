namespace Pmap.Core.Machine;

/// <summary>
/// A reviewer's instruction stream for arch_pmap_map or arch_pmap_unmap, in place of the port's: each step is an instruction of
/// the port's vocabulary, and each store step stands for the hook's own PTE store (the entry and value the port's hook writes).
/// </summary>
public sealed class HookSequence
{
    /// <summary>The words that stand for the hook's PTE store on any port, besides the port's own store mnemonics.</summary>
    public static IReadOnlyList<string> StoreWords { get; } = ["str", "strd", "sd", "mov", "pte"];

    private HookSequence(IReadOnlyList<Instruction> steps) => Steps = steps;

    /// <summary>The instructions in program order; a <see cref="InstructionKind.Store"/> step is the hook's PTE store.</summary>
    public IReadOnlyList<Instruction> Steps { get; }

    /// <summary>The sequence as a reviewer writes it: mnemonics separated by semicolons.</summary>
    public override string ToString() => string.Join("; ", Steps.Select(s => s.Mnemonic));

    /// <summary>
    /// Reads <paramref name="text"/> (<c>dsb sy; str; dsb sy; isb</c>) against <paramref name="set"/>. Words are compared after
    /// trimming and folding runs of blanks, case-insensitively. Null with <paramref name="error"/> when a word is not in the
    /// vocabulary, the text is empty, or no step stores the PTE (then it is not a PMAP hook).
    /// </summary>
    public static HookSequence? Parse(string text, InstructionSet set, out string? error)
    {
        error = null;
        var store = set.All.FirstOrDefault(i => i.Kind == InstructionKind.Store);
        var steps = new List<Instruction>();
        foreach (var raw in text.Split(';'))
        {
            var word = string.Join(' ', raw.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
            if (word.Length == 0) continue;
            if (Find(set, word) is { } op) steps.Add(op);
            else if (StoreWords.Contains(word.ToLowerInvariant()) && store is not null) steps.Add(store);
            else
            {
                error = $"'{Hex.Echo(word)}' is not an instruction of {set.Port}; its vocabulary: {set.Describe()} " +
                        $"({string.Join("/", StoreWords)} stand for the hook's PTE store)";
                return null;
            }
        }
        if (steps.Count == 0) error = "the sequence is empty";
        else if (!steps.Any(s => s.Kind == InstructionKind.Store))
            error = $"the sequence has no PTE store ({string.Join("/", StoreWords)}): without one the hook leaves the entry as it was";
        return error is null ? new HookSequence(steps) : null;
    }

    // The declared mnemonic, then case-insensitively: arm32 declares TLBIMVAH as Xen's macros spell it, arm64 lower-case mnemonics.
    private static Instruction? Find(InstructionSet set, string word) =>
        set.TryGet(word, out var op) ? op : set.All.FirstOrDefault(i => string.Equals(i.Mnemonic, word, StringComparison.OrdinalIgnoreCase));
}

/// <summary>A reviewer's replacement for the instruction streams of arch_pmap_map and/or arch_pmap_unmap; null keeps the port's.</summary>
public sealed record HookSequences(HookSequence? Map, HookSequence? Unmap);
