using System.Runtime.InteropServices;

namespace Pmap.Host.Tests;

/// <summary>A fact that needs Debian's libcapstone4 and the 4.17.7 xen-syms: skipped, saying which, without either.</summary>
public sealed class CapstoneAndSymsFactAttribute : FactAttribute
{
    public CapstoneAndSymsFactAttribute()
    {
        if (!NativeLibrary.TryLoad("libcapstone.so.4", out var h)) Skip = "no libcapstone.so.4: apt-get install libcapstone4";
        else
        {
            NativeLibrary.Free(h);
            Skip = new XenSymsFactAttribute().Skip;
        }
    }
}

/// <summary>pmap hazards on a real binary (--xen-syms with --static or --xen-image): its options, errors and output.</summary>
public class RealHazardsCliTests
{
    [Theory]
    [InlineData("--static needs --xen-syms SYMS: the build's functions and instructions", "--static")]
    [InlineData("--xen-syms: give --xen-image IMAGE (run it under QEMU) or --static (read the ELF)", "--xen-syms", "SYMS")]
    [InlineData("--static reads the instructions from --xen-syms: --xen-image is not used with it", "--xen-syms", "SYMS", "--xen-image", "IMG", "--static")]
    [InlineData("--map-seq changes the model's sequences: it does not apply to a real binary (--xen-syms)", "--xen-syms", "SYMS", "--static", "--map-seq", "str")]
    public void Mixed_or_incomplete_options_are_usage_errors(string message, params string[] args)
    {
        var r = Cli.Process(null, ["hazards", "--arch", "arm64", .. args.Select(a => a == "SYMS" ? typeof(Cli).Assembly.Location : a)]);
        Assert.Equal(2, r.Code);
        Assert.Equal("pmap: " + message, r.Err.Trim());
    }

    [XenSymsFact]
    public void A_missing_libcapstone_is_exit_3_with_one_line()
    {
        var env = new Dictionary<string, string> { ["PMAP_CAPSTONELIBRARY"] = "libcapstone-not-installed.so.4" };
        var r = Cli.Process(env, "hazards", "--arch", "arm64", "--profile", "xen-4.17", "--xen-syms", XenSymsFactAttribute.Syms!, "--static", "--json");
        Assert.Equal(3, r.Code);
        r.AssertNoStackTrace();
        Assert.Equal("pmap: cannot load the Capstone disassembler library 'libcapstone-not-installed.so.4' (CapstoneLibrary): install Debian's "
                     + "libcapstone4 (apt-get install libcapstone4)", r.Err.Trim());
        Assert.Contains("\"kind\": \"environment\"", r.Out);
    }

    /// <summary>Debian 4.17.7's pmap_map: write_pte's dsb sy; str; dsb sy at 0x2aaac4..0x2aaacc and no isb (objdump -d xen-syms).</summary>
    [CapstoneAndSymsFact]
    public void Static_mode_names_the_pc_the_disassembly_and_the_function()
    {
        var r = Cli.Process(new Dictionary<string, string> { ["COLUMNS"] = "200" }, "hazards", "--arch", "arm64", "--profile", "xen-4.17",
            "--xen-syms", XenSymsFactAttribute.Syms!, "--static");
        Assert.Equal(4, r.Code);
        Assert.Contains("ARM-NEW-ISB after 0x2aaacc dsb sy in pmap_map (pmap_map):", r.Out);
        Assert.Contains("0x2aaac4 dsb sy; 0x2aaac8 str x0, [x1] (xen_fixmap entry 0x297210: 0x0 -> 0x40000043ffef7f); 0x2aaacc dsb sy; <missing: isb>", r.Out);
        Assert.Contains("model xen-4.17 agrees on pmap_unmap: model none, binary none", r.Out);
        Assert.EndsWith("arm64 xen-syms-4.17-arm64 (static, 2 call(s)): 1 hazard(s) against 8 rules", r.Out.TrimEnd());
    }
}
