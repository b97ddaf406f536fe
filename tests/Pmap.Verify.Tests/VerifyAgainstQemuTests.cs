using Pmap.Core;

namespace Pmap.Verify.Tests;

/// <summary>The model's tables, loaded into a real MMU, translate every sampled VA as the model does.</summary>
public class VerifyAgainstQemuTests
{
    [QemuTheory("arm64", "arm32", "x86", "riscv")]
    [InlineData("arm64", VerifyScenario.Boot)]
    [InlineData("arm64", VerifyScenario.Map)]
    [InlineData("arm32", VerifyScenario.Boot)]
    [InlineData("arm32", VerifyScenario.Map)]
    [InlineData("x86", VerifyScenario.Boot)]
    [InlineData("x86", VerifyScenario.Map)]
    [InlineData("riscv", VerifyScenario.Boot)]
    [InlineData("riscv", VerifyScenario.Map)]
    public void Qemu_agrees_with_the_model(string arch, VerifyScenario scenario)
    {
        var report = Verifier.Verify(Models.Model(arch), scenario);
        Assert.True(report.AllAgree, string.Join("\n", report.Disagreements.Take(20)
            .Select(c => $"{Hex.Format(c.Va)} {c.What}: model {c.ModelAnswer}, qemu {c.QemuAnswer}")));
        // Hundreds on every architecture, RISC-V's three boot table pages included (240 to 1,934 today).
        Assert.InRange(report.Checks.Count, 200, 5000);
        Assert.Contains(report.Checks, c => c.ModelPa is null);
        Assert.Contains(report.Checks, c => c.ModelPa is not null);
    }
}

/// <summary>The check can fail: one wrong output-address bit in the exported tables is caught at its VA.</summary>
public class CorruptedTableTests
{
    [QemuTheory("arm64", "arm32", "x86", "riscv")]
    [MemberData(nameof(Models.All), MemberType = typeof(Models))]
    public void A_flipped_output_address_bit_is_named_by_its_va(string arch)
    {
        var model = Models.Model(arch);
        var slot = model.Fixmap.FixPmapBegin;
        var va = model.Fixmap.FixToVirt(slot);
        ulong? paFlip = null;
        var report = Verifier.Verify(model, VerifyScenario.Map, tamper: snapshot =>
        {
            // The leaf mapping the first PMAP slot: the last step of the model's walk names its table and index.
            var (m, _) = Verifier.Run(model, VerifyScenario.Map);
            var leaf = m.WalkDetailed(va).Steps[^1];
            var table = snapshot.Tables.Single(t => t.Pa == leaf.Table);
            var before = m.Codec.OutputAddress(table.Entries[leaf.Index], leaf.Level).Value;
            // An output-address bit in every format here: PA bit 24 in LPAE and x86, PPN bit 14 (PA bit 26) in Sv39.
            table.Entries[leaf.Index] ^= 1UL << 24;
            paFlip = m.Codec.OutputAddress(table.Entries[leaf.Index], leaf.Level).Value ^ before;
        });
        Assert.Equal(arch == "riscv" ? 1UL << 26 : 1UL << 24, paFlip);
        Assert.False(report.AllAgree);
        // Every VA that differs lies in the corrupted page (it is sampled as a PMAP slot, a fixmap slot and a leaf).
        Assert.All(report.Disagreements, d => Assert.Equal(va.Value, d.Va & ~(Page.Size - 1)));
        Assert.All(report.Disagreements, d => Assert.Equal(d.ModelPa!.Value ^ paFlip, d.QemuPa));
        Assert.Contains(report.Disagreements, d => d.What.StartsWith($"PMAP slot {slot} ", StringComparison.Ordinal));
    }
}
