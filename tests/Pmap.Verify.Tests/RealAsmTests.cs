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
