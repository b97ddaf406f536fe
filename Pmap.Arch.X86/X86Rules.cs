
namespace Pmap.Arch.X86;

/// <summary>Intel's rules for the TLB and paging-structure caches (SDM vol. 3A §4.10), and what invlpg does.</summary>
public static class X86Rules
{
    private const string Sdm = "Intel SDM vol. 3A (Dec 2024), 4.10.4 'Invalidation of TLBs and Paging-Structure Caches'";

    public static MaintenanceRules All { get; } = new(
    [
        new("X86-NEW", "not-present entries are not cached: a new entry needs no invalidation",
            "Intel SDM vol. 3A (Dec 2024), 4.10.2.3 'Details of TLB Use' / 4.10.4.3 'Optional Invalidation'", RuleCheck.NoRequirement, "-"),
        TranslationRule.RemovalInvalidate("X86-RM-INVLPG", "INVLPG of its linear address (or a CR3 write)", Sdm, "invlpg of the linear address"),
        new("X86-PAGE-SIZE", "a change of page size must invalidate the whole range the old and new entries cover",
            Sdm + " / 4.10.4.2 'Recommended Invalidation'", RuleCheck.BreakBeforeMake, "invalidation of the whole range"),
    ]);

    // invlpg is serializing for the address: the store before it is seen and the flush is complete when it retires; a CR3
    // write, and flush_area_local(FLUSH_TLB_GLOBAL)'s CR4.PGE toggle, are serializing for every address.
    private const OpEffect Serializing = OpEffect.OrdersStores | OpEffect.CompletesInvalidation | OpEffect.ContextSync;

    /// <summary>The port's instructions: l1e_write's mov, invlpg, a CR3 write and Xen's global flush.</summary>
    public static InstructionSet Instructions { get; } = new("x86");

    public static Instruction Mov { get; } = Instructions.Store("mov");
    public static Instruction Invlpg { get; } = Instructions.InvalidateVa("invlpg", Serializing);
    public static Instruction MovCr3 { get; } = Instructions.InvalidateAll("mov cr3", Serializing);
    public static Instruction FlushTlbGlobal { get; } = Instructions.InvalidateAll("flush_area_local(FLUSH_TLB_GLOBAL)", Serializing);
}
