namespace Pmap.Port;

/// <summary>How the machine executes an instruction: which primitive it is.</summary>
public enum InstructionKind
{
    /// <summary>The store of a page-table entry (str, strd, sd, mov).</summary>
    Store,
    /// <summary>A barrier (dsb, fence): what it orders is its <see cref="Instruction.Effect"/>.</summary>
    Barrier,
    /// <summary>A context-synchronising event (isb).</summary>
    ContextSync,
    /// <summary>A TLB invalidation of one VA (tlbi vae2, TLBIMVAH, invlpg, sfence.vma).</summary>
    InvalidateVa,
    /// <summary>A TLB invalidation of every VA (tlbi alle2, a CR3 write, an SBI remote fence of the whole space).</summary>
    InvalidateAll,
}

/// <summary>
/// One instruction of a port's vocabulary: its mnemonic as Xen writes it, the primitive it is and what it does for the
/// maintenance rules. Only an <see cref="InstructionSet"/> makes one, so a hook can execute nothing the port did not declare.
/// </summary>
public sealed class Instruction
{
    internal Instruction(InstructionSet set, string mnemonic, InstructionKind kind, OpEffect effect)
    {
        Set = set;
        Mnemonic = mnemonic;
        Kind = kind;
        Effect = effect;
    }

    /// <summary>The vocabulary that declared it.</summary>
    public InstructionSet Set { get; }
    /// <summary>The mnemonic as Xen writes it (dsb sy, tlbi vae2, sfence.vma).</summary>
    public string Mnemonic { get; }
    /// <summary>Which primitive it is.</summary>
    public InstructionKind Kind { get; }
    /// <summary>What it does for the rules.</summary>
    public OpEffect Effect { get; }
    /// <summary>It synchronises context itself (isb, sfence.vma, invlpg): later translations see every completed PTE write.</summary>
    public bool Synchronizes => (Effect & OpEffect.ContextSync) != 0;

    /// <inheritdoc/>
    public override string ToString() => Mnemonic;
}

/// <summary>
/// A port's instruction vocabulary, declared once with each instruction's kind and effect: the only instructions its hooks can
/// execute (the machine refuses any other) and the words a reviewer's sequence may use.
/// </summary>
/// <param name="port">The architecture that declares it, for error messages.</param>
public sealed class InstructionSet(string port)
{
    private readonly Dictionary<string, Instruction> _byMnemonic = new(StringComparer.Ordinal);
    private readonly List<Instruction> _all = [];

    /// <summary>The architecture that declares it.</summary>
    public string Port => port;

    /// <summary>Every declared instruction, in declaration order.</summary>
    public IReadOnlyList<Instruction> All => _all;

    /// <summary>Declares the PTE store (str, strd, sd, mov).</summary>
    public Instruction Store(string mnemonic) => Declare(mnemonic, InstructionKind.Store, OpEffect.None);

    /// <summary>Declares a barrier with what it orders.</summary>
    public Instruction Barrier(string mnemonic, OpEffect effect) => Declare(mnemonic, InstructionKind.Barrier, effect);

    /// <summary>Declares a context-synchronising instruction (isb).</summary>
    public Instruction ContextSync(string mnemonic) => Declare(mnemonic, InstructionKind.ContextSync, OpEffect.ContextSync);

    /// <summary>Declares a TLB invalidation of one VA with its effect (broadcast, completing itself, synchronising).</summary>
    public Instruction InvalidateVa(string mnemonic, OpEffect effect) => Declare(mnemonic, InstructionKind.InvalidateVa, effect);

    /// <summary>Declares a TLB invalidation of every VA.</summary>
    public Instruction InvalidateAll(string mnemonic, OpEffect effect) => Declare(mnemonic, InstructionKind.InvalidateAll, effect);

    /// <summary>The declared instruction of this mnemonic, if any.</summary>
    public bool TryGet(string mnemonic, out Instruction instruction) => _byMnemonic.TryGetValue(mnemonic, out instruction!);

    /// <summary>
    /// The declared instruction of this mnemonic, for facts held as text (a release's barrier); an undeclared one is the port's
    /// fault, named with <paramref name="usedBy"/> (the Xen function that executes it).
    /// </summary>
    public Instruction Get(string mnemonic, string usedBy) =>
        TryGet(mnemonic, out var i) ? i : throw PmapPluginException.Undeclared(port, mnemonic, usedBy, this);

    /// <summary>The mnemonics, comma-separated, for messages.</summary>
    public string Describe() => string.Join(", ", _all.Select(i => i.Mnemonic));

    private Instruction Declare(string mnemonic, InstructionKind kind, OpEffect effect)
    {
        if (string.IsNullOrWhiteSpace(mnemonic) || mnemonic != mnemonic.Trim())
            throw new PmapPluginException(port, $"an instruction is declared with the mnemonic '{mnemonic}'");
        if (_byMnemonic.ContainsKey(mnemonic)) throw new PmapPluginException(port, $"instruction '{mnemonic}' is declared twice");
        var i = new Instruction(this, mnemonic, kind, effect);
        _byMnemonic.Add(mnemonic, i);
        _all.Add(i);
        return i;
    }
}
