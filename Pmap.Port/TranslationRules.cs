namespace Pmap.Port;

/// <summary>What Core checks for a rule: each kind is evaluated the same way for every port that states a rule of it.</summary>
public enum RuleCheck
{
    /// <summary>A new entry is seen by walks only after a barrier that orders the store (Arm: DSB).</summary>
    NewEntryBarrier,
    /// <summary>A new entry is used by later instructions only after a context-synchronising event after that barrier (Arm: ISB).</summary>
    NewEntryContextSync,
    /// <summary>A new entry is used only after an invalidation covering its VA (RISC-V without Svvptc: sfence.vma).</summary>
    NewEntryInvalidate,
    /// <summary>A removed or changed entry: the invalidation must be ordered after the store (Arm: DSB between them).</summary>
    RemovalOrdered,
    /// <summary>A removed or changed entry stays usable until an invalidation of its VA (tlbi, sfence.vma, invlpg).</summary>
    RemovalInvalidate,
    /// <summary>The invalidation must be completed (Arm: DSB after the TLBI).</summary>
    RemovalCompletion,
    /// <summary>Then context synchronisation (Arm: ISB).</summary>
    RemovalContextSync,
    /// <summary>A valid entry changing output address or size must go through invalid and an invalidation first.</summary>
    BreakBeforeMake,
    /// <summary>A local invalidation only suffices while one CPU runs (before SYS_STATE_smp_boot).</summary>
    LocalInvalidateUniprocessor,
    /// <summary>A leaf with A clear (or D clear, for a store) faults on access (RISC-V Svade).</summary>
    AccessedDirty,
    /// <summary>A rule stated for the record that never asks for an instruction (x86: not-present entries are not cached).</summary>
    NoRequirement,
}

/// <summary>One architectural rule of translation-table maintenance, with the text it comes from.</summary>
/// <param name="Id">Stable id (ARM-NEW-ISB).</param>
/// <param name="Statement">The rule in one line.</param>
/// <param name="Citation">Document, revision and section.</param>
/// <param name="Check">What Core checks for this rule.</param>
/// <param name="Missing">The step a sequence that breaks it lacks, as the marker shows it (isb, sfence.vma).</param>
public sealed record TranslationRule(string Id, string Statement, string Citation, RuleCheck Check, string Missing)
{
    /// <summary>
    /// The rule every architecture has in the same words, since Core checks it the same way for all: a removed or
    /// changed entry stays usable from the TLB until the port's invalidation of its VA.
    /// </summary>
    /// <param name="id">Stable id.</param>
    /// <param name="invalidation">The instruction and what it must cover, as the manual names it ("a TLBI of its VA").</param>
    /// <param name="citation">Document, revision and section.</param>
    /// <param name="missing">The step as the marker shows it.</param>
    public static TranslationRule RemovalInvalidate(string id, string invalidation, string citation, string missing) =>
        new(id, $"a removed or changed entry stays usable from the TLB until {invalidation}", citation, RuleCheck.RemovalInvalidate, missing);
}

/// <summary>What an instruction does for the rules: a port maps each of its barrier and invalidation mnemonics to these.</summary>
[Flags]
public enum OpEffect
{
    /// <summary>No effect on translation (an ordinary store's barrier the port does not describe).</summary>
    None = 0,
    /// <summary>Earlier stores (to page tables) are complete before later translation activity (DSB, fence, sfence.vma, invlpg).</summary>
    OrdersStores = 1,
    /// <summary>Earlier TLB invalidations are complete (DSB without ST; sfence.vma and invlpg complete themselves).</summary>
    CompletesInvalidation = 2,
    /// <summary>Later instructions translate with the tables as they are now (ISB; sfence.vma; invlpg).</summary>
    ContextSync = 4,
    /// <summary>Acts on every CPU of the inner shareable domain (dsb ish/sy, tlbi ...is), not just this one.</summary>
    Broadcast = 8,
}

/// <summary>An architecture's maintenance rules, as data: what Core checks its instruction sequences against.</summary>
public sealed record MaintenanceRules(IReadOnlyList<TranslationRule> Rules)
{
    /// <summary>No rules: nothing can be checked, so no sequence of such a port is ever called clean.</summary>
    public static MaintenanceRules None { get; } = new([]);

    /// <summary>Whether the port states any rule: without one, a check has no verdict.</summary>
    public bool Stated => Rules.Count != 0;

    /// <summary>The rule that makes this check, or null when the port states none.</summary>
    public TranslationRule? Find(RuleCheck check) => Rules.FirstOrDefault(r => r.Check == check);
}
