using Pmap.Core.Machine;

namespace Pmap.Arch.Arm;

/// <summary>
/// The Arm architecture's rules for Xen's own (EL2 / Hyp) translation tables, stated once for both ports, and what each
/// barrier and TLB mnemonic Xen uses does. The sequences Arm's formal translation model decides for Xen's map and unmap
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
        new("ARM-RM-DSB-AFTER", "a TLBI is complete only after a DSB of its reach (NSH completes a local TLBI on its own PE)",
            Ordering, RuleCheck.RemovalCompletion, "dsb (completing the tlbi)"),
        new("ARM-RM-ISB", "a completed TLBI affects later instructions only after a context synchronization event (ISB)",
            Ordering, RuleCheck.RemovalContextSync, "isb"),
        new("ARM-BBM", "a valid entry changing output address or block/table size must go invalid, be invalidated, then be rewritten",
            Bbm, RuleCheck.BreakBeforeMake, "write 0; dsb; tlbi; dsb (break-before-make)"),
        new("ARM-LOCAL-TLBI", "a local (non-broadcast) TLBI only removes this PE's copy: enough only while one CPU runs (before SYS_STATE_smp_boot)",
            Tlb + " / 'TLB maintenance instructions' (the IS forms broadcast)", RuleCheck.LocalInvalidateUniprocessor, "tlbi ...is; dsb ish"),
    ],
    new Dictionary<string, OpEffect>
    {
        ["dsb sy"] = OpEffect.OrdersStores | OpEffect.CompletesInvalidation | OpEffect.Broadcast,
        ["dsb ish"] = OpEffect.OrdersStores | OpEffect.CompletesInvalidation | OpEffect.Broadcast,
        ["dsb ishst"] = OpEffect.OrdersStores | OpEffect.Broadcast,
        ["dsb nsh"] = OpEffect.OrdersStores | OpEffect.CompletesInvalidation,
        ["dsb nshst"] = OpEffect.OrdersStores, // a DSB with ST waits for stores only, not for TLB maintenance
        ["isb"] = OpEffect.ContextSync,
        ["tlbi vae2"] = OpEffect.None,
        ["tlbi vae2is"] = OpEffect.Broadcast,
        ["tlbi alle2"] = OpEffect.None,
        ["tlbi alle2is"] = OpEffect.Broadcast,
        ["TLBIMVAH"] = OpEffect.None,
        ["TLBIMVAHIS"] = OpEffect.Broadcast,
        ["TLBIALLH"] = OpEffect.None,
        ["TLBIALLHIS"] = OpEffect.Broadcast,
    });
}
