
namespace Pmap.Arch.Arm;

/// <summary>
/// The Arm architecture's rules for Xen's own (EL2 / Hyp) translation tables, stated once for both ports (each port's
/// instructions are in <see cref="ArmInstructions"/>). The sequences Arm's formal translation model decides for Xen's map and unmap
/// (a missing trailing DSB or ISB after the map store allows a fault; the unmap needs a DSB between the store and the TLBI,
/// the TLBI, the DSB after it and the ISB) are what these rules reproduce.
/// </summary>
public static class ArmRules
{
    private const string Tlb = "DDI 0487 L.a, D8.13 'Translation Lookaside Buffers'";
    private const string Ordering = Tlb + " / 'Ordering and completion of TLB maintenance instructions'";
    private const string Bbm = Tlb + " / 'Using break-before-make when updating translation table entries'";

    public static MaintenanceRules All { get; } = new(
    [
        new("ARM-NEW-DSB", "a new translation table entry is guaranteed visible to table walks only after a DSB that follows the store",
            Ordering, RuleCheck.NewEntryBarrier, "dsb"),
        new("ARM-NEW-ISB", "a new entry is used by later instructions only after a context synchronization event (ISB) following that DSB",
            Ordering + "; Glossary 'Context synchronization event'",
            RuleCheck.NewEntryContextSync, "isb"),
        new("ARM-RM-DSB-BEFORE", "a TLBI is ordered after the store that removed or changed the entry only by a DSB between them",
            Ordering, RuleCheck.RemovalOrdered, "dsb (before the tlbi)"),
        TranslationRule.RemovalInvalidate("ARM-RM-TLBI", "a TLBI of its VA", Tlb, "tlbi of the VA"),
        new("ARM-RM-DSB-AFTER", "a TLBI is complete only after a DSB of its reach (NSH completes a TLBI on its own PE only: " +
            "a broadcast one needs ISH or SY once other CPUs run, from SYS_STATE_smp_boot)",
            Ordering, RuleCheck.RemovalCompletion, "dsb (completing the tlbi)"),
        new("ARM-RM-ISB", "a completed TLBI affects later instructions only after a context synchronization event (ISB)",
            Ordering, RuleCheck.RemovalContextSync, "isb"),
        new("ARM-BBM", "a valid entry changing output address or block/table size must go invalid, be invalidated, then be rewritten",
            Bbm, RuleCheck.BreakBeforeMake, "write 0; dsb; tlbi; dsb (break-before-make)"),
        new("ARM-LOCAL-TLBI", "a local (non-broadcast) TLBI only removes this PE's copy: enough only while one CPU runs (before SYS_STATE_smp_boot)",
            Tlb + " / 'TLB maintenance instructions' (the IS forms broadcast)", RuleCheck.LocalInvalidateUniprocessor, "tlbi ...is; dsb ish"),
    ]);
}

/// <summary>
/// One Arm port's instruction vocabulary: the barriers both ports share, and its own PTE store and TLB maintenance
/// (str and tlbi vae2 on arm64; strd and TLBIMVAH on arm32), each with what it does for <see cref="ArmRules"/>.
/// </summary>
public sealed class ArmInstructions
{
    /// <summary>Declares the vocabulary of port <paramref name="port"/>.</summary>
    public ArmInstructions(string port, string store, string tlbiVa, string tlbiVaBroadcast, string tlbiAll, string tlbiAllBroadcast)
    {
        Set = new InstructionSet(port);
        Store = Set.Store(store);
        DsbSy = Set.Barrier("dsb sy", OpEffect.OrdersStores | OpEffect.CompletesInvalidation | OpEffect.Broadcast);
        DsbIsh = Set.Barrier("dsb ish", OpEffect.OrdersStores | OpEffect.CompletesInvalidation | OpEffect.Broadcast);
        DsbIshst = Set.Barrier("dsb ishst", OpEffect.OrdersStores | OpEffect.Broadcast);
        DsbNsh = Set.Barrier("dsb nsh", OpEffect.OrdersStores | OpEffect.CompletesInvalidation);
        DsbNshst = Set.Barrier("dsb nshst", OpEffect.OrdersStores); // a DSB with ST waits for stores only, not for TLB maintenance
        Isb = Set.ContextSync("isb");
        TlbiVa = Set.InvalidateVa(tlbiVa, OpEffect.None);
        TlbiVaBroadcast = Set.InvalidateVa(tlbiVaBroadcast, OpEffect.Broadcast);
        Set.InvalidateAll(tlbiAll, OpEffect.None);
        Set.InvalidateAll(tlbiAllBroadcast, OpEffect.Broadcast);
    }

    /// <summary>Every instruction, for the machine and for a reviewer's sequence.</summary>
    public InstructionSet Set { get; }
    /// <summary>write_pte's store (str on arm64, strd on arm32).</summary>
    public Instruction Store { get; }
    public Instruction DsbSy { get; }
    public Instruction DsbIsh { get; }
    public Instruction DsbIshst { get; }
    public Instruction DsbNsh { get; }
    public Instruction DsbNshst { get; }
    public Instruction Isb { get; }
    /// <summary>The local invalidation of one VA at EL2 (tlbi vae2, TLBIMVAH).</summary>
    public Instruction TlbiVa { get; }
    /// <summary>The inner-shareable (broadcast) invalidation of one VA (tlbi vae2is, TLBIMVAHIS).</summary>
    public Instruction TlbiVaBroadcast { get; }
}
