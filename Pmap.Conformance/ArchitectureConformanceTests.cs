using Pmap.Core.Arch;
using Pmap.Core.Conformance;
using Xunit;

namespace Pmap.Conformance;

/// <summary>
/// Derive a test class from this in a port's test project, return the architecture (and optionally the
/// profile), and every conformance check becomes a test:
/// <code>public class MyArchConformance : ArchitectureConformanceTests { protected override IArchitecture Architecture { get; } = new MyArch(); }</code>
/// </summary>
public abstract class ArchitectureConformanceTests
{
    protected abstract IArchitecture Architecture { get; }

    /// <summary>The profile checked; the architecture's default unless overridden.</summary>
    protected virtual string Profile => Architecture.DefaultProfile;

    private void Check(string check)
    {
        var r = ConformanceSuite.Run(check, Architecture, Profile);
        Assert.True(r.Passed, $"{Architecture.Name} {Profile}: {check}: {r.Detail}");
    }

    [Fact] public void Fix_to_virt_and_virt_to_fix_are_inverse_and_bug_outside() => Check(ConformanceSuite.FixmapInverse);
    [Fact] public void Every_pmap_slot_maps_and_unmaps() => Check(ConformanceSuite.SlotsMapAndUnmap);
    [Fact] public void Pmap_slots_sit_inside_the_fixmap_and_its_leaf_table() => Check(ConformanceSuite.SlotsInsideFixmap);
    [Fact] public void Pte_decode_of_encode_round_trips() => Check(ConformanceSuite.PteRoundTrip);
    [Fact] public void Mapped_slots_translate_and_fault_after_unmap() => Check(ConformanceSuite.TranslateThenFault);
    [Fact] public void Each_hook_stores_the_entry_that_backs_the_slot() => Check(ConformanceSuite.OneEntryPerHook);
    [Fact] public void Boot_scenario_maps_and_verifies_a_bank() => Check(ConformanceSuite.BootScenarioCheck);
    [Fact] public void Configuration_rejects_a_layout_that_does_not_fit() => Check(ConformanceSuite.RejectsOversizedLayout);
    [Fact] public void Sequences_break_no_maintenance_rule() => Check(ConformanceSuite.OrderingRules);
    [Fact] public void Every_deleted_instruction_is_caught_or_explained() => Check(ConformanceSuite.EveryInstructionExplained);
}
