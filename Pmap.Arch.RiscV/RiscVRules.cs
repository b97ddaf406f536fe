using Pmap.Core.Machine;

namespace Pmap.Arch.RiscV;

/// <summary>The RISC-V privileged architecture's rules for supervisor (HS) translation, and what Xen's fence and sfence.vma do.</summary>
public static class RiscVRules
{
    private const string Sfence = "RISC-V Privileged Architecture 20240411, 4.2.1 'Supervisor Memory-Management Fence Instruction'";

    private static readonly TranslationRule NewEntry = new("RV-NEW-SFENCE",
        "a hart may cache invalid entries: a new entry is guaranteed used only after an sfence.vma covering its VA (unless Svvptc)",
        Sfence + "; 'Svvptc' extension", RuleCheck.NewEntryInvalidate, "sfence.vma of the VA");

    private static readonly TranslationRule Removal = TranslationRule.RemovalInvalidate("RV-RM-SFENCE",
        "an sfence.vma covering its VA (which also orders the earlier store)", Sfence, "sfence.vma of the VA");

    private static readonly TranslationRule Svade = new("RV-SVADE",
        "under Svade an access through a leaf with A clear, or a store through one with D clear, raises a page fault",
        "RISC-V Privileged Architecture 20240411, 4.3.1 'Addressing and Memory Protection'; 'Svade' extension", RuleCheck.AccessedDirty,
        "A (and D) set in the leaf");

    private static readonly Dictionary<string, OpEffect> Ops = new()
    {
        ["fence rw, rw"] = OpEffect.OrdersStores | OpEffect.Broadcast,
        // sfence.vma orders the hart's earlier stores before its later implicit references and invalidates: it is its own fence.
        ["sfence.vma"] = OpEffect.OrdersStores | OpEffect.CompletesInvalidation | OpEffect.ContextSync,
    };

    /// <summary>The rules for a hart with or without Svvptc and Svade.</summary>
    public static MaintenanceRules For(bool svvptc, bool svade) =>
        new([.. svvptc ? Array.Empty<TranslationRule>() : [NewEntry], Removal, .. svade ? [Svade] : Array.Empty<TranslationRule>()], Ops);
}
