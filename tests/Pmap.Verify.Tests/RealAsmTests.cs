using Pmap.Verify.RealAsm;

namespace Pmap.Verify.Tests;

/// <summary>A fact that needs Debian's libcapstone (libcapstone4): skipped, saying so, when it does not load.</summary>
public sealed class CapstoneFactAttribute : FactAttribute
{
    public CapstoneFactAttribute()
    {
        try
        {
            CapstoneLibrary.Require(null);
        }
        catch (CapstoneMissingException e)
        {
            Skip = e.Message;
        }
    }
}

/// <summary>A fact that needs libcapstone and xen-syms (XEN_ARM64_SYMS), but no QEMU.</summary>
public sealed class CapstoneAndSymsFactAttribute : FactAttribute
{
    public CapstoneAndSymsFactAttribute()
    {
        Skip = new CapstoneFactAttribute().Skip;
        if (Skip is null && XenImageAndSymsFactAttribute.Syms is null)
            Skip = "no xen-syms: set XEN_ARM64_SYMS to xen-syms-4.17-arm64 from xen-hypervisor-4.17-arm64-dbg";
    }
}

/// <summary>The classifier on hand-made instruction words: no Xen binary needed.</summary>
public class RealClassifierTests
{
    private const ulong XenFixmap = 0x297000; // Debian 4.17.7's xen-syms; any page-aligned address would do

    private static readonly RealClassifier Classifier = new(Models.Model("arm64", "xen-4.17"), XenFixmap, _ => "pmap_map");

    private static ExecutedInstruction Classify(uint word, params (string Reg, ulong Value)[] registers)
    {
        using var decoder = new Arm64Decoder();
        var values = registers.ToDictionary(r => r.Reg, r => r.Value);
        return Classifier.Classify(decoder.Decode(0x2aaac8, word), r => values.TryGetValue(r, out var v) ? new RegisterValue(v, true) : null);
    }

    [CapstoneFact]
    public void Barriers_isb_and_tlbi_map_onto_the_ports_vocabulary()
    {
        // Encodings (DDI 0487): DSB 0xd503309f | CRm<<8 (ISH = 0b1011, SY = 0b1111, NSH = 0b0111, NSHST = 0b0110); ISB 0xd5033fdf;
        // TLBI VAE2, Xt = SYS #4, C8, C7, #1 = 0xd50c8720 | t; VAE2IS = SYS #4, C8, C3, #1 = 0xd50c8320 | t.
        var dsbIsh = Classify(0xd5033b9f);
        Assert.Equal((RealRole.Barrier, "dsb ish"), (dsbIsh.Role, dsbIsh.Port!.Mnemonic));
        Assert.Equal("dsb sy", Classify(0xd5033f9f).Port!.Mnemonic);
        Assert.Equal("dsb nshst", Classify(0xd503369f).Port!.Mnemonic);
        var isb = Classify(0xd5033fdf);
        Assert.Equal((RealRole.ContextSync, "isb"), (isb.Role, isb.Port!.Mnemonic));
        var tlbi = Classify(0xd50c8320, ("x0", 0x442));
        Assert.Equal((RealRole.Invalidate, "tlbi vae2is", "tlbi vae2is, x0"), (tlbi.Role, tlbi.Port!.Mnemonic, tlbi.Decoded.Text));
        Assert.Equal(0x442000UL, tlbi.Va); // the register holds VA >> 12
        Assert.Equal("tlbi vae2", Classify(0xd50c8720, ("x0", 0x442)).Port!.Mnemonic);
    }

    [CapstoneFact]
    public void A_store_into_xen_fixmap_is_a_pte_store_and_any_other_store_is_ignored()
    {
        // STR Xt, [Xn] (unsigned offset 0) = 0xf9000000 | Rn<<5 | Rt: str x1, [x0] = 0xf9000001; str x0, [x1] = 0xf9000020.
        var pte = Classify(0xf9000020, ("x1", XenFixmap + (66 * 8)), ("x0", 0x40000043ffef7f));
        Assert.Equal(RealRole.PteStore, pte.Role);
        Assert.Equal("str", pte.Port!.Mnemonic);
        Assert.Equal(XenFixmap + 0x210, pte.EntryVa); // xen_fixmap[66], FIX_PMAP_BEGIN on Arm 4.17
        Assert.Equal(0x40000043ffef7fUL, pte.New);
        var stack = Classify(0xf9000020, ("x1", 0x3000f0), ("x0", 1));
        Assert.Equal(RealRole.Ignored, stack.Role);
        var zero = Classify(0xf900001f, ("x0", XenFixmap + 0x210)); // str xzr, [x0]
        Assert.Equal((RealRole.PteStore, 0UL), (zero.Role, zero.New));
    }

    [CapstoneFact]
    public void An_ordering_instruction_the_port_does_not_declare_is_reported_not_dropped()
    {
        // DMB ISH = 0xd5033bbf: arm64's vocabulary has no dmb, so the rules cannot say what it does.
        var dmb = Classify(0xd5033bbf);
        Assert.Equal(RealRole.Undeclared, dmb.Role);
        Assert.True(dmb.Ordering);
        Assert.Null(dmb.Port);
        Assert.Equal(RealRole.Ignored, Classify(0x8b334c21).Role); // add x1, x1, w19, uxtw #3
    }

    [Fact]
    public void A_library_that_does_not_load_is_one_clear_error()
    {
        var e = Assert.Throws<CapstoneMissingException>(() => new Arm64Decoder("libcapstone-not-installed.so.4"));
        Assert.Equal("cannot load the Capstone disassembler library 'libcapstone-not-installed.so.4' (CapstoneLibrary): install Debian's "
                     + "libcapstone4 (apt-get install libcapstone4)", e.Message);
    }
}

/// <summary>Hand-made streams through the model's rule checker: what the real binary's verdicts rest on, with no Xen binary.</summary>
public class RealOrderingTests
{
    private const ulong XenFixmap = 0x297000;
    private const ulong Entry = XenFixmap + (66 * 8); // xen_fixmap[FIX_PMAP_BEGIN]
    private const ulong Pte = 0x40000043ffef7f; // pmap_map's leaf for MFN 0x43ffe: 0xf7f | XN 1 << 54 | 0x43ffe << 12 (XEN_FACTS §3.6)

    private static readonly ArchModel Model = Models.Model("arm64", "xen-4.17");

    private static ExecutedCall Call(string name, params (uint Word, (string, ulong)[] Regs)[] words)
    {
        using var decoder = new Arm64Decoder();
        var classifier = new RealClassifier(Model, XenFixmap, _ => name);
        var pc = 0x2aaac4UL;
        var ins = words.Select(w =>
        {
            var regs = w.Regs.ToDictionary(r => r.Item1, r => r.Item2);
            var e = classifier.Classify(decoder.Decode(pc, w.Word), r => regs.TryGetValue(r, out var v) ? new RegisterValue(v, true) : null);
            pc += 4;
            return e.Role == RealRole.PteStore ? e with { Old = name == "pmap_map" ? 0 : Pte } : e;
        }).ToList();
        return new ExecutedCall(name, SystemState.EarlyBoot, ins);
    }

    private static IReadOnlyList<RealHazard> Check(ExecutedCall call) =>
        new RealOrdering(Model, new RealClassifier(Model, XenFixmap, _ => null), 0x40000000).Check([call]);

    private const uint DsbSy = 0xd5033f9f, Isb = 0xd5033fdf, StrX0X1 = 0xf9000020, StrX1X0 = 0xf9000001;
    private const uint DsbNshst = 0xd503369f, TlbiVae2X0 = 0xd50c8720, DsbNsh = 0xd503379f;

    [CapstoneFact]
    public void Map_without_isb_breaks_arm_new_isb_after_the_trailing_dsb_and_with_it_nothing()
    {
        (string, ulong)[] store = [("x0", Pte), ("x1", Entry)];
        var h = Assert.Single(Check(Call("pmap_map", (DsbSy, []), (StrX0X1, store), (DsbSy, []))));
        Assert.Equal(("ARM-NEW-ISB", 0x2aaaccUL, false), (h.Rule.Id, h.At.Pc, h.Before));
        Assert.Equal(new PhysAddr(0x40297210), h.EntryPa);
        Assert.Empty(Check(Call("pmap_map", (DsbSy, []), (StrX0X1, store), (DsbSy, []), (Isb, []))));
        Assert.Equal(["ARM-NEW-DSB"], Check(Call("pmap_map", (StrX0X1, store), (Isb, []))).Select(x => x.Rule.Id));
    }

    [CapstoneFact]
    public void Unmap_needs_its_tlbi_of_the_slots_va()
    {
        (string, ulong)[] store = [("x1", 0), ("x0", Entry)];
        (string, ulong)[] page = [("x0", 0x442)]; // FIXMAP_ADDR(66) >> 12
        Assert.Empty(Check(Call("pmap_unmap", (StrX1X0, store), (DsbNshst, []), (TlbiVae2X0, page), (DsbNsh, []), (Isb, []))));
        Assert.Contains("ARM-RM-TLBI", Check(Call("pmap_unmap", (StrX1X0, store), (DsbNshst, []), (DsbNsh, []), (Isb, []))).Select(x => x.Rule.Id));
        // A tlbi of another VA covers nothing of the slot.
        Assert.Contains("ARM-RM-TLBI",
            Check(Call("pmap_unmap", (StrX1X0, store), (DsbNshst, []), (TlbiVae2X0, [("x0", 0x443)]), (DsbNsh, []), (Isb, []))).Select(x => x.Rule.Id));
    }
}
