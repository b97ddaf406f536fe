namespace Pmap.Arch.Arm.Tests;

/// <summary>The Arm ports' closed vocabulary: a barrier a release's facts misspell never passes as a full one.</summary>
public class ArmVocabularyTests
{
    private static ArmProfile Upstream => (ArmProfile)new Arm64Architecture().Profiles.Single(p => p.Name == "upstream");

    [Fact]
    public void A_misspelt_flush_barrier_is_refused_when_the_model_is_built()
    {
        // "dsb nhs" for "dsb nsh": a one-letter slip that used to take the default effect and pass every check.
        var e = Assert.Throws<PmapPluginException>(() => new Arm64Model(ArchSettings.For("upstream"), Upstream with { FlushBarrierAfter = "dsb nhs" }));
        Assert.Equal("arm64", e.Port);
        Assert.StartsWith("flush_xen_tlb_range_va_local executes 'dsb nhs', which the port's instruction set does not declare (it declares str, ",
            e.Reason);
    }

    [Fact]
    public void An_instruction_of_another_port_is_refused_at_its_first_use_naming_the_hook()
    {
        var m = new Arm64Architecture().Create(ArchSettings.For("upstream")).Boot();
        var arm32Isb = ArmPorts.Arm32.Isa.Isb; // the same mnemonic, declared by another port
        using (m.Hook("arch_pmap_map"))
        {
            var e = Assert.Throws<PmapPluginException>(() => m.ContextSynchronize(arm32Isb));
            Assert.Equal("arm64: arch_pmap_map executes 'isb', which the port's instruction set does not declare (it declares " +
                string.Join(", ", m.Arch.Instructions.All.Select(i => i.Mnemonic)) + ")", e.Message);
        }
        // Declared, but executed as another kind of primitive than declared.
        var asBarrier = Assert.Throws<PmapPluginException>(() => m.Barrier(ArmPorts.Arm64.Isa.TlbiVa));
        Assert.Contains("executes 'tlbi vae2' as a barrier, but the port declares it as a TLB invalidation of one VA", asBarrier.Message);
    }
}
