using Pmap.Verify.RealAsm;

namespace Pmap.Verify.Tests;

/// <summary>
/// Debian's Xen 4.17.7 arm64 (xen-syms-4.17-arm64) through the rule checker. Golden PCs from
/// <c>aarch64-linux-gnu-objdump -d xen-syms-4.17-arm64</c>: pmap_map at 0x2aaa70 writes its PTE with write_pte inlined,
/// <c>2aaac4 dsb sy; 2aaac8 str x0, [x1]; 2aaacc dsb sy</c> and returns at 0x2aaae0 with no isb (feaa9aca87 adds it in 4.18);
/// pmap_unmap at 0x2aaaf0: <c>2aab2c dsb sy; 2aab30 str x1, [x0]; 2aab34 dsb sy</c>, then flush_xen_tlb_range_va_local
/// inlined, <c>2aab40 dsb nshst; 2aab54 tlbi vae2, x0; 2aab58 dsb nsh; 2aab5c isb</c> (XEN_FACTS §3.7, 4.17.7's nsh form).
/// </summary>
public class RealAsmXenTests
{
    private const ulong MissingIsbAfter = 0x2aaacc;
    private static readonly ulong[] UnmapOrdering = [0x2aab2c, 0x2aab30, 0x2aab34, 0x2aab40, 0x2aab54, 0x2aab58, 0x2aab5c];

    private static RealHazardReport Static(bool why = false) =>
        RealHazards.Run(Models.Model("arm64", "xen-4.17", XenImageAndSymsFactAttribute.Syms), XenImageAndSymsFactAttribute.Syms!, null, why);

    private static void AssertDebian417(RealHazardReport r)
    {
        var h = Assert.Single(r.Hazards);
        Assert.Equal(("ARM-NEW-ISB", "pmap_map", MissingIsbAfter, "pmap_map", "dsb sy"), (h.Rule.Id, h.Call, h.At.Pc, h.At.Function, h.At.Decoded.Text));
        Assert.False(h.Before);
        Assert.Equal(["0x2aaac4 dsb sy", "0x2aaac8 str x0, [x1]", "0x2aaacc dsb sy", "<missing: isb>"],
            h.Sequence.Select(s => s.Split(" (")[0]));
        Assert.Equal(0x297000UL + (66 * 8), h.EntryVa); // xen_fixmap[FIX_PMAP_BEGIN]
        Assert.Empty(r.Undeclared);
        // The model's verdicts: ARM-NEW-ISB at arch_pmap_map's end, nothing at arch_pmap_unmap's.
        Assert.All(r.Model, m => Assert.True(m.Agrees, $"{m.Call}: model {string.Join(",", m.ModelRules)}, real {string.Join(",", m.RealRules)}"));
        Assert.Equal(["ARM-NEW-ISB"], r.Model.Single(m => m.Call == "pmap_map").RealRules);
        Assert.Empty(r.Model.Single(m => m.Call == "pmap_unmap").RealRules);
        var unmap = r.Streams.First(s => s.Call == "pmap_unmap");
        Assert.Equal(UnmapOrdering, unmap.Instructions.Where(i => i.Ordering).Select(i => i.Pc));
        Assert.Equal(["dsb sy", "str", "dsb sy", "dsb nshst", "tlbi vae2", "dsb nsh", "isb"], unmap.Instructions.Where(i => i.Ordering).Select(i => i.Port!.Mnemonic));
        // Callees are in the stream under their own names.
        Assert.Contains(r.Streams.First(s => s.Call == "pmap_map").Instructions, i => i.Function == "find_next_zero_bit");
    }

    [CapstoneAndSymsFact]
    public void Static_mode_finds_the_missing_isb_at_pmap_maps_pc()
    {
        var r = Static();
        Assert.False(r.Dynamic);
        AssertDebian417(r);
        Assert.Equal([1, 1], r.Streams.Select(s => s.Calls));
    }

    [CapstoneAndSymsFact]
    public void Static_why_says_which_real_instruction_each_rule_needs()
    {
        var why = Static(why: true).Why!;
        string Verdict(string call, ulong pc) => why.Single(w => w.Call == call && w.Instruction.Pc == pc).Verdict;
        Assert.Equal("needed", Verdict("pmap_map", 0x2aaacc)); // the dsb after the store: ARM-NEW-DSB without it
        Assert.Equal("redundant", Verdict("pmap_map", 0x2aaac4)); // the dsb before it orders nothing the rules check
        Assert.Equal("needed", Verdict("pmap_unmap", 0x2aab54)); // the tlbi
        Assert.Equal("needed", Verdict("pmap_unmap", 0x2aab5c)); // the isb
        Assert.Equal("ignored", Verdict("pmap_map", 0x2aaa70)); // stp x19, x20, [sp, #-32]!
        Assert.Equal("pte-store", Verdict("pmap_map", 0x2aaac8));
        // Either dsb before the tlbi orders the store before it (ARM-RM-DSB-BEFORE): each alone is redundant, not both.
        Assert.Equal("jointly-necessary", Verdict("pmap_unmap", 0x2aab34));
        Assert.Equal("jointly-necessary", Verdict("pmap_unmap", 0x2aab40));
    }

    [XenImageAndSymsFact]
    public void Dynamic_mode_finds_it_too_and_agrees_with_static_mode()
    {
        var model = Models.Model("arm64", "xen-4.17", XenImageAndSymsFactAttribute.Syms);
        var dynamic = RealHazards.Run(model, XenImageAndSymsFactAttribute.Syms!, XenImageFactAttribute.Image!, why: false);
        Assert.True(dynamic.Dynamic);
        Assert.True(dynamic.Calls.Count > 2, $"{dynamic.Calls.Count} calls");
        AssertDebian417(dynamic);
        var stat = Static();
        // Same verdicts at the same PCs. The static path is every real call's through the function itself and in its ordering
        // instructions; inside a callee it may differ (find_next_zero_bit from bit 0 takes the branch static mode does not).
        Assert.Equal(stat.Hazards.Select(h => (h.Rule.Id, h.Call, h.At.Pc)), dynamic.Hazards.Select(h => (h.Rule.Id, h.Call, h.At.Pc)));
        foreach (var call in RealHazards.Calls)
        {
            static string Own(RealPath p) => string.Join(";", p.Instructions.Where(i => i.Function == p.Call || i.Ordering).Select(i => $"{i.Pc:x} {i.Role} {i.Port}"));
            var s = Own(stat.Streams.Single(p => p.Call == call));
            Assert.All(dynamic.Streams.Where(p => p.Call == call), p => Assert.Equal(s, Own(p)));
        }
    }
}
