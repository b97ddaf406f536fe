using Pmap.Core.Arch;
using Pmap.Core.Conformance;
using Xunit;

namespace Pmap.Conformance;

/// <summary>
/// Derive a test class from this in a port's test project, return the architecture (and optionally the
/// profile), and every conformance check becomes a test:
/// <code>
/// public class MyArchConformance : ArchitectureConformanceTests
/// {
///     protected override IArchitecture Architecture { get; } = new MyArch();
/// }
/// </code>
/// </summary>
public abstract class ArchitectureConformanceTests
{
    /// <summary>The port under test (the same type its plugin registers).</summary>
    protected abstract IArchitecture Architecture { get; }

    /// <summary>The profile checked; the architecture's default unless overridden.</summary>
    protected virtual string Profile => Architecture.DefaultProfile;

    private void Check(ConformanceCheck check)
    {
        var r = ConformanceSuite.Run(check, Architecture, Profile);
        Assert.True(r.Passed, $"{Architecture.Name} {Profile}: {check.Sentence()}: {r.Detail}");
    }

    /// <summary>The port's widths, levels, fixmap, PMAP slots and static tables can all be true (the loader's own check).</summary>
    [Fact] public void The_ports_facts_are_possible() => Check(ConformanceCheck.PossibleFacts);
    /// <summary>fix_to_virt and virt_to_fix are inverse over the fixmap, and BUG outside it.</summary>
    [Fact] public void Fix_to_virt_and_virt_to_fix_are_inverse_and_bug_outside() => Check(ConformanceCheck.FixmapInverse);
    /// <summary>pmap_map and pmap_unmap succeed for every FIX_PMAP slot.</summary>
    [Fact] public void Every_pmap_slot_maps_and_unmaps() => Check(ConformanceCheck.SlotsMapAndUnmap);
    /// <summary>The FIX_PMAP slots lie inside the fixmap and within one leaf table.</summary>
    [Fact] public void Pmap_slots_sit_inside_the_fixmap_and_its_leaf_table() => Check(ConformanceCheck.SlotsInsideFixmap);
    /// <summary>The codec's decode of an entry agrees with the entry the port writes.</summary>
    [Fact] public void Pte_decode_of_encode_round_trips() => Check(ConformanceCheck.PteRoundTrip);
    /// <summary>A mapped slot translates to its frame; after unmap the same address faults.</summary>
    [Fact] public void Mapped_slots_translate_and_fault_after_unmap() => Check(ConformanceCheck.TranslateThenFault);
    /// <summary>Each hook stores exactly the entry that backs its slot.</summary>
    [Fact] public void Each_hook_stores_the_entry_that_backs_the_slot() => Check(ConformanceCheck.OneEntryPerHook);
    /// <summary>The boot scenario maps a RAM bank through PMAP and verifies it.</summary>
    [Fact] public void Boot_scenario_maps_and_verifies_a_bank() => Check(ConformanceCheck.BootScenario);
    /// <summary>A NUM_FIX_PMAP that does not fit the layout is rejected at configuration.</summary>
    [Fact] public void Configuration_rejects_a_layout_that_does_not_fit() => Check(ConformanceCheck.RejectsOversizedLayout);
    /// <summary>The port states the maintenance rules its sequences are held to.</summary>
    [Fact] public void Port_states_its_maintenance_rules() => Check(ConformanceCheck.StatesMaintenanceRules);
    /// <summary>The port's map, unmap and table-update sequences break none of its maintenance rules.</summary>
    [Fact] public void Sequences_break_no_maintenance_rule() => Check(ConformanceCheck.OrderingRules);
    /// <summary>Deleting any one instruction of those sequences breaks a rule or is explained.</summary>
    [Fact] public void Every_deleted_instruction_is_caught_or_explained() => Check(ConformanceCheck.EveryInstructionExplained);
}
