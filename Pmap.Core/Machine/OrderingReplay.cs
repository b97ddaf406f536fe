namespace Pmap.Core.Machine;

/// <summary>
/// Feeds the instructions a real Xen binary executed (read from QEMU or from its ELF) through the same
/// <see cref="OrderingChecker"/> the model's hooks feed, one Xen function at a time. Each instruction carries a tag (its
/// number in the caller's stream) that the missing steps found at the function's end point back to.
/// </summary>
public sealed class OrderingReplay(ArchModel arch, Func<PhysAddr, string> tableName)
{
    private readonly OrderingChecker _checker = new(arch, tableName) { ReplayTag = -1 };

    /// <summary>Every rule broken so far, each rule and function once.</summary>
    public IReadOnlyList<OrderingViolation> Violations => _checker.Violations;

    /// <summary>Opens a Xen function (pmap_map, pmap_unmap); its stores are judged at <see cref="End"/>.</summary>
    public void Begin(string function, VirtAddr? va) => _checker.Begin(function, va);

    /// <summary>A store of <paramref name="value"/> over <paramref name="old"/> to the page-table entry at <paramref name="entry"/>.</summary>
    public void Store(long tag, Instruction store, PhysAddr entry, ulong old, ulong value, SystemState state)
    {
        _checker.ReplayTag = tag;
        _checker.Store(entry, old, value, store.Mnemonic, state);
    }

    /// <summary>
    /// A barrier, context synchronisation or TLB invalidation; an invalidation by VA names <paramref name="va"/> and the
    /// entries <paramref name="covers"/> that translate it.
    /// </summary>
    public void Execute(long tag, Instruction op, SystemState state, VirtAddr? va = null, IReadOnlyList<ulong>? covers = null)
    {
        _checker.ReplayTag = tag;
        switch (op.Kind)
        {
            case InstructionKind.Barrier or InstructionKind.ContextSync:
                _checker.Barrier(op, state);
                break;
            case InstructionKind.InvalidateVa:
                _checker.Invalidate(op, va ?? throw new ArgumentNullException(nameof(va), $"{op.Mnemonic} invalidates one VA"), covers ?? [], state);
                break;
            case InstructionKind.InvalidateAll:
                _checker.Invalidate(op, null, [], state);
                break;
            default:
                throw new ArgumentException($"{op.Mnemonic} is a store: use Store", nameof(op));
        }
    }

    /// <summary>Closes the function and returns the steps its rules want and it lacks, each after (or before) a tagged instruction.</summary>
    public IReadOnlyList<MissingStep> End()
    {
        _checker.End();
        return _checker.TakeMissing();
    }
}
