namespace Pmap.Verify.RealAsm;

/// <summary>What an executed instruction is to the ordering rules.</summary>
public enum RealRole
{
    /// <summary>Not an ordering instruction (an ALU operation, a load, a branch, a store elsewhere): kept for context only.</summary>
    Ignored,
    /// <summary>A store to an entry of the fixmap's page table.</summary>
    PteStore,
    /// <summary>A barrier of the port's vocabulary.</summary>
    Barrier,
    /// <summary>A context synchronisation of the port's vocabulary (isb).</summary>
    ContextSync,
    /// <summary>A TLB invalidation of the port's vocabulary.</summary>
    Invalidate,
    /// <summary>An ordering instruction (barrier, invalidation, cache maintenance) the port does not declare: not checked, so reported.</summary>
    Undeclared,
}

/// <summary>
/// One instruction a real Xen executed (or, statically, would execute) inside a pmap_map or pmap_unmap call: where it is, what it
/// is, and for a PTE store or an invalidation the entry, values and VA that the rule checker is given.
/// </summary>
/// <param name="Function">The Xen function whose range holds <see cref="DecodedInstruction.Pc"/> (write_pte is inline: pmap_map).</param>
/// <param name="Port">The port's instruction it is (a store, barrier, isb, tlbi), or null.</param>
public sealed record ExecutedInstruction(DecodedInstruction Decoded, string Function, RealRole Role, Instruction? Port)
{
    /// <summary>A PTE store's entry (its link-time VA), the value it held and the value stored.</summary>
    public ulong? EntryVa { get; init; }
    public ulong Old { get; init; }
    public ulong New { get; init; }
    /// <summary>A TLB invalidation's VA (the register's page number shifted back).</summary>
    public ulong? Va { get; init; }
    /// <summary>Read from the machine (dynamic) or evaluated from the code (static); false where static mode assumed (see <see cref="StaticWalk"/>).</summary>
    public bool Exact { get; init; } = true;

    public ulong Pc => Decoded.Pc;

    public bool Ordering => Role is not RealRole.Ignored;
}

/// <summary>The instructions of one pmap_map or pmap_unmap call from its entry to its return, callees included.</summary>
/// <param name="Call">pmap_map or pmap_unmap.</param>
/// <param name="State">Xen's system_state during the call.</param>
public sealed record ExecutedCall(string Call, SystemState State, IReadOnlyList<ExecutedInstruction> Instructions)
{
    /// <summary>The PCs in order: two calls with the same path have the same key.</summary>
    public string PathKey => string.Join(',', Instructions.Select(i => i.Pc));
}
