
namespace Pmap.Arch.Arm64;

/// <summary>
/// arch_pmap_map / arch_pmap_unmap streams as herd7 AArch64 litmus tests for its VMSA model (run with -variant vmsa). One PE; EL2's
/// tlbi vae2 / alle2 are written as their EL1 analogues (VAE1 with X9 = VA &gt;&gt; 12, VMALLE1), whose rules in the model are the same.
/// A one-PE test cannot observe another PE's TLB: for the broadcast forms (the IS variants) it checks only this PE's copy.
/// </summary>
public static class Arm64Litmus
{
    /// <summary>The test text; <paramref name="steps"/> are instructions of the arm64 vocabulary.</summary>
    public static string Write(string name, LitmusShape shape, IReadOnlyList<Instruction> steps)
    {
        var map = shape == LitmusShape.Map;
        var lines = new List<string>
        {
            $"AArch64 {name}",
            "{",
            map ? "pte_x=(oa:phy_x,valid:0);" : "pte_x=(oa:phy_x,valid:1);",
            map ? "0:X3=pte_x; 0:X2=(oa:phy_x,valid:1); 0:X4=x;" : "0:X3=pte_x; 0:X2=(oa:phy_x,valid:0); 0:X4=x; 0:X5=1;",
            "x=1;",
            "}",
            "P0 ;",
        };
        // The unmap's store through x first: it must not fault, and it leaves x's translation in the TLB.
        if (!map) lines.Add("L1: STR W5,[X4] ;");
        foreach (var step in steps) lines.AddRange(Asm(step).Select(a => a + " ;"));
        lines.Add("L0: LDR W1,[X4] ;");
        lines.Add("locations[0:X1;]");
        lines.Add(map ? "exists(fault(P0:L0,x))" : "exists(fault(P0:L1,x) \\/ ~fault(P0:L0,x))");
        return string.Join('\n', lines) + "\n";
    }

    private static IEnumerable<string> Asm(Instruction step) => step.Kind switch
    {
        InstructionKind.Store => ["STR X2,[X3]"],
        InstructionKind.Barrier or InstructionKind.ContextSync => [step.Mnemonic.ToUpperInvariant()],
        InstructionKind.InvalidateVa => ["LSR X9,X4,#12", step.Mnemonic.EndsWith("is", StringComparison.Ordinal) ? "TLBI VAE1IS,X9" : "TLBI VAE1,X9"],
        _ => [step.Mnemonic.EndsWith("is", StringComparison.Ordinal) ? "TLBI VMALLE1IS" : "TLBI VMALLE1"],
    };
}
