
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

    /// <summary>The port's instructions: write_pte's sd, Xen's full fence, sfence.vma and the SBI remote fence.</summary>
    public static InstructionSet Instructions { get; } = new("riscv");

    public static Instruction Sd { get; } = Instructions.Store("sd");
    /// <summary>RISCV_FENCE(rw, rw), spelt as Xen's macro emits it.</summary>
    public static Instruction FenceRwRw { get; } = Instructions.Barrier("fence rw,rw", OpEffect.OrdersStores | OpEffect.Broadcast);
    /// <summary>sfence.vma orders the hart's earlier stores before its later implicit references and invalidates: its own fence.</summary>
    public static Instruction SfenceVma { get; } =
        Instructions.InvalidateVa("sfence.vma", OpEffect.OrdersStores | OpEffect.CompletesInvalidation | OpEffect.ContextSync);
    /// <summary>flush_tlb_range_va's SBI RFENCE: sfence.vma of the whole space on every hart.</summary>
    public static Instruction SbiRemoteSfenceVma { get; } = Instructions.InvalidateAll("sbi_remote_sfence_vma",
        OpEffect.OrdersStores | OpEffect.CompletesInvalidation | OpEffect.ContextSync | OpEffect.Broadcast);

    /// <summary>The rules for a hart with or without Svvptc and Svade.</summary>
    public static MaintenanceRules For(bool svvptc, bool svade) =>
        new([.. svvptc ? Array.Empty<TranslationRule>() : [NewEntry], Removal, .. svade ? [Svade] : Array.Empty<TranslationRule>()]);
}
