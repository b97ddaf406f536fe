namespace Pmap.Verify.RealAsm;

/// <summary>A register's value: exact, or (static mode) only a known base plus something unknown added to it.</summary>
public readonly record struct RegisterValue(ulong Value, bool Exact);

/// <summary>
/// Classifies executed arm64 instructions for the rule checker: a store whose address falls in the fixmap's page table
/// (xen_fixmap, from the symbols) is a PTE store; dsb, dmb, isb and tlbi are the port's instructions when its vocabulary
/// declares them and reported as undeclared when it does not (as are dc and ic); everything else is kept for context only.
/// </summary>
public sealed class RealClassifier(ArchModel model, ulong fixmapTable, Func<ulong, string?> functionAt)
{
    /// <summary>tlbi vae2's register holds VA[55:12] (DDI 0487, TLBI VAE2: bits [43:0] of Xt are VA[55:12]).</summary>
    public const int TlbiShift = 12;

    /// <summary>The port's PTE store (str on arm64).</summary>
    public Instruction Store { get; } = model.Instructions.All.FirstOrDefault(i => i.Kind == InstructionKind.Store)
        ?? throw new PmapPluginException(model.Name, "declares no PTE store instruction");

    /// <summary>The link-time VA of xen_fixmap, the page table whose entries are the fixmap's PTEs.</summary>
    public ulong FixmapTable => fixmapTable;

    /// <summary>The Xen function holding <paramref name="pc"/>, or its address when no symbol covers it.</summary>
    public string FunctionAt(ulong pc) => functionAt(pc) ?? Hex.Format(pc);

    /// <summary>
    /// What <paramref name="d"/> is, with the registers as they were before it ran (<paramref name="reg"/>: null when unknown).
    /// A PTE store's entry is null when its address is known only as xen_fixmap plus an unknown index (static mode then assumes
    /// the call's slot); likewise a tlbi's VA.
    /// </summary>
    public ExecutedInstruction Classify(DecodedInstruction d, Func<string, RegisterValue?> reg)
    {
        var function = FunctionAt(d.Pc);
        switch (d.Class)
        {
            case DecodedClass.Store:
                {
                    if (Address(d, reg) is not { } address || !InFixmap(address.Value)) break;
                    if (d.StoreBytes != Page.EntryBytes)
                        return new ExecutedInstruction(d, function, RealRole.Undeclared, null) { EntryVa = address.Exact ? address.Value : null };
                    var value = Arm64Decoder.ValueRegister(d) is { } r ? reg(r) : null;
                    return new ExecutedInstruction(d, function, RealRole.PteStore, Store)
                    {
                        EntryVa = address.Exact ? address.Value & ~(ulong)(Page.EntryBytes - 1) : null,
                        New = value is { Exact: true } v ? v.Value : 0,
                        Exact = address.Exact && value is { Exact: true },
                    };
                }
            case DecodedClass.Barrier or DecodedClass.ContextSync or DecodedClass.Invalidate or DecodedClass.CacheMaintenance:
                {
                    if (d.Vocabulary is not { } word || !model.Instructions.TryGet(word, out var op) || d.Class == DecodedClass.CacheMaintenance)
                        return new ExecutedInstruction(d, function, RealRole.Undeclared, null);
                    if (op.Kind != InstructionKind.InvalidateVa)
                        return new ExecutedInstruction(d, function, d.Class == DecodedClass.Invalidate ? RealRole.Invalidate : Role(op), op);
                    var operand = d.Operands.FirstOrDefault(o => o.Kind == 'r')?.Register;
                    var page = operand is null ? null : reg(operand);
                    return new ExecutedInstruction(d, function, RealRole.Invalidate, op)
                    {
                        Va = page is { Exact: true } p ? p.Value << TlbiShift : null,
                        Exact = page is { Exact: true },
                    };
                }
        }
        return new ExecutedInstruction(d, function, RealRole.Ignored, null);
    }

    private static RealRole Role(Instruction op) => op.Kind switch
    {
        InstructionKind.ContextSync => RealRole.ContextSync,
        InstructionKind.InvalidateAll or InstructionKind.InvalidateVa => RealRole.Invalidate,
        _ => RealRole.Barrier,
    };

    private bool InFixmap(ulong address) => address >= fixmapTable && address - fixmapTable < Page.Size;

    /// <summary>A store's address: base + displacement + the (extended, scaled) index; null when the base is unknown.</summary>
    public static RegisterValue? Address(DecodedInstruction d, Func<string, RegisterValue?> reg)
    {
        var m = d.Operands.FirstOrDefault(o => o.Kind == 'm');
        if (m?.Register is not { } baseName || reg(baseName) is not { } b) return null;
        var address = b.Value + (ulong)m.Immediate;
        var exact = b.Exact;
        if (m.Index is { } indexName)
        {
            if (reg(indexName) is { Exact: true } i)
            {
                var index = m.IndexWord ? (m.IndexSigned ? (ulong)(long)(int)(uint)i.Value : (uint)i.Value) : i.Value;
                address += index << m.Shift;
            }
            else exact = false;
        }
        return new RegisterValue(address, exact);
    }
}
