namespace Pmap.Core.Machine;

// A reviewer's sequence in place of a PMAP hook's instruction stream (pmap hazards --map-seq / --unmap-seq).
public sealed partial class XenMachine
{
    private sealed record CapturedStore(PhysAddr Entry, ulong Value, Instruction Op);

    // While the port's hook runs to learn its PTE store: its primitives are recorded here and not executed.
    private List<CapturedStore>? _capturedStores;
    private (VirtAddr Va, ulong? Reg)? _capturedFlush;

    private bool Capturing => _capturedStores is not null;

    /// <summary>
    /// Runs <paramref name="hook"/> as Xen function <paramref name="name"/> with its instruction stream replaced by
    /// <paramref name="sequence"/>: the port's hook runs first with its primitives recorded, not executed (its ASSERTs still
    /// fire), to learn which entry it stores and what; then the sequence runs, each store step storing that, each TLB
    /// invalidation of one VA invalidating the VA the port's hook invalidates (else <paramref name="va"/>).
    /// </summary>
    internal void RunSequence(string name, VirtAddr va, HookSequence sequence, Action hook)
    {
        _capturedStores = [];
        _capturedFlush = null;
        List<CapturedStore> stores;
        (VirtAddr Va, ulong? Reg) flush;
        try
        {
            hook();
        }
        finally
        {
            stores = _capturedStores;
            flush = _capturedFlush ?? (va, null);
            _capturedStores = null;
        }
        using var _ = Hook(name, va);
        // Each step is its own call site ("sequence", index), so --why deletes the steps one by one.
        for (var i = 0; i < sequence.Steps.Count; i++)
        {
            var op = sequence.Steps[i];
            switch (op.Kind)
            {
                case InstructionKind.Store:
                    foreach (var s in stores) WritePte(s.Entry, s.Value, s.Op.Kind == InstructionKind.Store ? s.Op : op, "sequence", i);
                    break;
                case InstructionKind.Barrier:
                    Barrier(op, "sequence", i);
                    break;
                case InstructionKind.ContextSync:
                    ContextSynchronize(op, "sequence", i);
                    break;
                case InstructionKind.InvalidateVa:
                    FlushTlbVa(op, flush.Va, flush.Reg, "sequence", i);
                    break;
                default:
                    FlushTlbAll(op, "sequence", i);
                    break;
            }
        }
    }

    private void CaptureStore(PhysAddr entry, ulong value, Instruction op) => _capturedStores!.Add(new CapturedStore(entry, value, op));

    private void CaptureFlush(VirtAddr? va, ulong? reg)
    {
        if (va is { } v) _capturedFlush ??= (v, reg);
    }
}
