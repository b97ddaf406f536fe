using Pmap.Core.Machine;

namespace Pmap.Core.Scenarios;

/// <summary>Whether pmap.c's contract allows a stop for the call it was given, or valid use reached it.</summary>
public enum FuzzVerdict
{
    /// <summary>Xen refused a call its contract forbids (after smp_boot, in IRQ context, all slots in use): by design.</summary>
    Refusal,
    /// <summary>Valid use went wrong: a check fired on what pmap_map handed out, an ordering hazard, a broken invariant.</summary>
    Finding,
}

/// <summary>What kind of place a run stopped at or went wrong in.</summary>
public enum FuzzSiteKind
{
    /// <summary>A failed ASSERT.</summary>
    Assert,
    /// <summary>A BUG_ON whose condition held.</summary>
    Bug,
    /// <summary>A panic().</summary>
    Panic,
    /// <summary>A translation fault in the hypervisor itself.</summary>
    Fault,
    /// <summary>Something the model let pass that the architecture does not guarantee (a walk using an unsynchronised entry).</summary>
    Hazard,
    /// <summary>One of the fuzzer's own invariants broke: the model's state is no longer what pmap.c promises.</summary>
    Invariant,
}

/// <summary>
/// One place a run stopped at or went wrong in, stable across occurrences: the kind, Xen's check text (or the rule, or the
/// invariant), the Xen function, and the source line when known.
/// </summary>
/// <param name="Kind">Assert, BUG, panic, fault, hazard or invariant.</param>
/// <param name="Check">Xen's condition or panic text; for a hazard the rule broken; for an invariant its name.</param>
/// <param name="Where">The Xen function whose check fired (pmap_map, virt_to_fix), or the operation a hazard was seen at.</param>
/// <param name="Source">File and line in the modelled revision (common/pmap.c:26), or the id of the rule a hazard breaks; null when unknown.</param>
/// <param name="Verdict">A refusal the contract allows, or a finding.</param>
public sealed record FuzzSite(FuzzSiteKind Kind, string Check, string Where, string? Source, FuzzVerdict Verdict)
{
    /// <summary>The check as Xen's source spells it (ASSERT(...), BUG_ON(...), panic("...")), or the hazard or invariant.</summary>
    public string Statement => Kind switch
    {
        FuzzSiteKind.Assert => $"ASSERT({Check})",
        FuzzSiteKind.Bug => Check == "BUG()" ? Check : $"BUG_ON({Check})",
        FuzzSiteKind.Panic => $"panic(\"{Check}\")",
        FuzzSiteKind.Fault => $"translation fault ({Check})",
        FuzzSiteKind.Hazard => $"ordering hazard: {Check}",
        _ => $"invariant: {Check}",
    };

    /// <summary>"BUG_ON(vaddr >= FIXADDR_TOP || vaddr &lt; FIXADDR_START) in virt_to_fix at arch/arm/include/asm/fixmap.h:41".</summary>
    public override string ToString() => $"{Statement} in {Where}" + Source switch
    {
        null => "",
        _ when Kind == FuzzSiteKind.Hazard => $" ({Source})",
        _ => $" at {Source}",
    };
}

/// <summary>How many operations stopped at, or went wrong at, one site.</summary>
public sealed record FuzzSiteCount(FuzzSite Site, long Count);

/// <summary>A finding: its site, the operation that first reached it, what happened, and a shortest sequence found that still reaches it.</summary>
public sealed record FuzzFinding(FuzzSite Site, long At, string Detail, IReadOnlyList<FuzzOp> Shrunk);

/// <summary>
/// Sorts what stopped the simulated Xen into refusals pmap.c's contract allows and findings (docs/XEN_FACTS.md §2.2, §2.3).
/// The contract (xen/common/pmap.c, both revisions) forbids a call at or after SYS_STATE_smp_boot (ASSERTs at lines 26 and 55)
/// and in IRQ context (lines 27 and 57), and has pmap_map panic when all NUM_FIX_PMAP slots are in use (line 31). Anything
/// else on a VA or frame pmap_map handed out (virt_to_fix's BUG_ON, the slot-range ASSERTs, the port's own ASSERTs, a fault)
/// comes from valid use.
/// </summary>
internal static class FuzzStops
{
    /// <summary>The site of <paramref name="e"/>, given how many slots the caller holds (<paramref name="live"/>) of <paramref name="numFixPmap"/>.</summary>
    public static FuzzSite Classify(XenCrashException e, int live, int numFixPmap)
    {
        if (e is HypervisorFaultException f)
            return new(FuzzSiteKind.Fault, f.Fault.Level is { } l ? $"level {l}: {f.Fault.Reason}" : f.Fault.Reason, f.Where, null, FuzzVerdict.Finding);
        var refusal = e switch
        {
            PmapSystemStateAssertException or PmapInIrqAssertException => true,
            // Out of slots is the contract only when the caller really holds every slot; with one free it is a leak.
            OutOfPmapSlotsPanicException => live >= numFixPmap,
            _ => false,
        };
        var kind = e.Kind switch
        {
            XenCheckKind.Assert => FuzzSiteKind.Assert,
            XenCheckKind.Bug => FuzzSiteKind.Bug,
            _ => FuzzSiteKind.Panic,
        };
        return new(kind, e.XenText, e.Where, e.Site, refusal ? FuzzVerdict.Refusal : FuzzVerdict.Finding);
    }

    /// <summary>
    /// The site of a hazard the machine counted during <paramref name="op"/>: at a touch, a walk used an entry written with no
    /// synchronisation since (the rule the port states for new entries); at an unmap, pmap_unmap's bitmap bookkeeping.
    /// </summary>
    public static FuzzSite Hazard(ArchModel arch, FuzzOp op)
    {
        if (op.Kind == FuzzOpKind.Unmap)
            return new(FuzzSiteKind.Hazard, "__clear_bit of a bit pmap_map did not set", "pmap_unmap", null, FuzzVerdict.Finding);
        var m = arch.Maintenance;
        var rule = m.Find(RuleCheck.NewEntryContextSync) ?? m.Find(RuleCheck.NewEntryInvalidate) ?? m.Find(RuleCheck.NewEntryBarrier);
        var check = rule is null ? "a walk used an entry written with no synchronisation since" : $"a walk used a new entry with no {rule.Missing} since";
        return new(FuzzSiteKind.Hazard, check, op.Kind.ToString().ToLowerInvariant(), rule?.Id, FuzzVerdict.Finding);
    }

    /// <summary>An invariant of the fuzzer itself broke: always a finding, and the run stops (the state is no longer known).</summary>
    public static FuzzSite Invariant(string name) => new(FuzzSiteKind.Invariant, name, "pmap.c", null, FuzzVerdict.Finding);
}
