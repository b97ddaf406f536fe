namespace Pmap.Core.Conformance;

/// <summary>The conformance checks, each a stable id; the sentence a reader sees is <see cref="ConformanceChecks.Sentence"/>.</summary>
public enum ConformanceCheck
{
    /// <summary>The port's facts are possible (the check the plugin loader refuses a port with).</summary>
    PossibleFacts,

    /// <summary>fix_to_virt and virt_to_fix are inverse.</summary>
    FixmapInverse,

    /// <summary>Every PMAP slot maps and unmaps.</summary>
    SlotsMapAndUnmap,

    /// <summary>The PMAP slots sit in the fixmap and in one leaf table.</summary>
    SlotsInsideFixmap,

    /// <summary>The codec decodes the frame the port stored.</summary>
    PteRoundTrip,

    /// <summary>A mapped slot translates, and faults after unmap.</summary>
    TranslateThenFault,

    /// <summary>Each hook stores the entry that backs the slot.</summary>
    OneEntryPerHook,

    /// <summary>The boot scenario maps and verifies a RAM bank.</summary>
    BootScenario,

    /// <summary>An oversized NUM_FIX_PMAP is rejected.</summary>
    RejectsOversizedLayout,

    /// <summary>The port states the maintenance rules its sequences are held to.</summary>
    StatesMaintenanceRules,

    /// <summary>The port's own sequences break none of its maintenance rules.</summary>
    OrderingRules,

    /// <summary>Every instruction of those sequences is needed, or redundant for a stated reason.</summary>
    EveryInstructionExplained,
}

/// <summary>The one mapping of <see cref="ConformanceCheck"/> to the sentence `pmap conformance` shows (its JSON <c>check</c>).</summary>
public static class ConformanceChecks
{
    /// <summary>What the check asserts, in words.</summary>
    public static string Sentence(this ConformanceCheck check) => check switch
    {
        ConformanceCheck.PossibleFacts =>
            "the port's facts are possible: VA and PA widths, levels, the fixmap in the VA space, the PMAP slots in the fixmap, the static tables",
        ConformanceCheck.FixmapInverse => "fix_to_virt and virt_to_fix are inverse over the fixmap and BUG outside it",
        ConformanceCheck.SlotsMapAndUnmap => "every PMAP slot maps and unmaps",
        ConformanceCheck.SlotsInsideFixmap => "the PMAP slots sit inside the fixmap and inside the leaf table that backs them",
        ConformanceCheck.PteRoundTrip => "decode(encode(mfn)) gives the frame back, for random frames up to the PA limit",
        ConformanceCheck.TranslateThenFault => "every mapped slot translates to its frame and faults after unmap (no stale TLB entry)",
        ConformanceCheck.OneEntryPerHook =>
            "arch_pmap_map and arch_pmap_unmap each store one entry: the one that backs the slot, in the fixmap's leaf table",
        ConformanceCheck.BootScenario => "the boot scenario maps and verifies a RAM bank through PMAP",
        ConformanceCheck.RejectsOversizedLayout => "configuration validation rejects a layout that does not fit",
        ConformanceCheck.StatesMaintenanceRules => "the port states its maintenance rules",
        ConformanceCheck.OrderingRules => "the map, unmap and table-update sequences break none of the architecture's maintenance rules",
        ConformanceCheck.EveryInstructionExplained =>
            "deleting any one store, barrier, invalidation or isb of those sequences breaks a rule or is explained",
        _ => throw new ArgumentOutOfRangeException(nameof(check), check, null),
    };
}
