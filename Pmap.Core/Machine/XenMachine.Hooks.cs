using System.Runtime.CompilerServices;

namespace Pmap.Core.Machine;

// The hooks a port runs and the instructions they may execute: every primitive passes its instruction through Declared.
public sealed partial class XenMachine
{
    /// <summary>
    /// Brackets a Xen function that must leave its mappings ready for use (Core brackets arch_pmap_map/unmap; a port brackets its
    /// xen_pt_update): <c>using var _ = m.Hook("xen_pt_update", virt);</c>. At its end the checker applies the rules.
    /// </summary>
    public HookScope Hook(string name, VirtAddr? va = null)
    {
        Checker?.Begin(name, va);
        var (outer, outerPmapHook) = (_hook, PmapHook);
        _hook = name;
        PmapHook = null; // the bracketed hook is the one running, even inside pmap.c's
        return new HookScope(this, outer, outerPmapHook);
    }

    /// <summary>The Xen function running (arch_pmap_map, xen_pt_update...), for naming it when it executes an undeclared instruction.</summary>
    public string? CurrentHook => PmapHook ?? _hook;

    private string? _hook;

    /// <summary>
    /// arch_pmap_map or arch_pmap_unmap while pmap.c runs it with nothing observing (no <see cref="Hook"/> bracket), else null.
    /// Apart from the bracketed hooks so that pmap.c sets and clears it with constants, which need no GC write barrier: putting
    /// back an outer hook's name would call one on every pmap_map and pmap_unmap.
    /// </summary>
    internal string? PmapHook;

    internal void EndHook(string? outer, string? outerPmapHook)
    {
        if (Checker is { } c)
        {
            c.End();
            // Last first: two steps missing after one instruction keep the order they were found in.
            var missing = c.TakeMissing();
            for (var i = missing.Count - 1; i >= 0; i--)
            {
                var (v, seq, before) = missing[i];
                Trace.InsertAt(seq, before, new TraceEvent(TraceKind.Missing)
                {
                    Op = v.Rule.Missing,
                    Rule = v.Rule.Id,
                    Va = v.Va,
                    Detail = v.Consequence,
                });
            }
        }
        _hook = outer;
        PmapHook = outerPmapHook;
    }

    /// <summary>
    /// Refuses an instruction the port's vocabulary does not declare, or one executed as another kind of primitive than
    /// declared: a fault of the port, never given a default meaning.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Declared(Instruction op, InstructionKind kind, string member)
    {
        if (!ReferenceEquals(op.Set, _vocabulary) || op.Kind != kind) Refuse(op, kind, member);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Refuse(Instruction op, InstructionKind kind, string member)
    {
        var hook = CurrentHook ?? member;
        if (!ReferenceEquals(op.Set, _vocabulary)) throw PmapPluginException.Undeclared(Arch.Name, op.Mnemonic, hook, _vocabulary);
        throw new PmapPluginException(Arch.Name,
            $"{hook} executes '{op.Mnemonic}' as {Describe(kind)}, but the port declares it as {Describe(op.Kind)}");
    }

    private static string Describe(InstructionKind kind) => kind switch
    {
        InstructionKind.Store => "a PTE store",
        InstructionKind.Barrier => "a barrier",
        InstructionKind.ContextSync => "a context-synchronising instruction",
        InstructionKind.InvalidateVa => "a TLB invalidation of one VA",
        _ => "a TLB invalidation of every VA",
    };
}
