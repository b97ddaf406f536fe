namespace Pmap.Host.Tests.Schemas;

// verify's documents: against QEMU, against a real Xen, and without QEMU.
public partial class SchemaTests
{
    [QemuTheory]
    [MemberData(nameof(Architectures))]
    public void Verify(string arch)
    {
        var doc = Run("verify", 0, "verify", "--arch", arch, "--after", "map", "--json");
        Assert.Equal(0, (int)doc["disagreements"]!);
        Assert.Equal((int)doc["checked"]!, doc["checks"]!.AsArray().Count);
    }

    /// <summary>A real Xen's tables beside the model's: they differ (the model does not model everything), exit 1.</summary>
    [XenImageFact]
    public void Verify_against_a_real_xen()
    {
        var doc = Run("verify", 0, "verify", "--arch", "arm64", "--profile", "xen-4.17", "--xen-image", XenImageFactAttribute.Image!, "--json");
        Assert.Equal("0x4032b000", (string?)doc["ttbr0El2"]);
        Assert.NotEmpty(doc["differences"]!.AsArray()); // listed, though not findings
        Assert.Equal(0, (int)doc["unexplained"]!);
        Assert.Equal("TTBR0_EL2", (string?)doc["rootRegister"]);
    }

    /// <summary>
    /// With its xen-syms: Xen's 102 PMAP calls equal the model's; exit 0, the only differences the frames of dom0's maptrack,
    /// which Xen's heap chose and the model cannot know (every difference says so).
    /// </summary>
    [XenImageAndSymsFact]
    public void Verify_against_a_real_xen_with_its_symbols()
    {
        var doc = Run("verify", 0, "verify", "--arch", "arm64", "--profile", "xen-4.17", "--xen-image", XenImageFactAttribute.Image!,
            "--xen-syms", XenSymsFactAttribute.Syms!, "--json");
        Assert.Equal(0, (int)doc["pmap"]!["modelRunAt"]!);
        Assert.True((bool)doc["pmap"]!["agrees"]!);
        Assert.All(doc["differences"]!.AsArray(), d => Assert.True((bool)d!["heapFrame"]! && (bool)d["heapChose"]!));
        Assert.Equal(2, (int)doc["heapChosen"]!);
    }

    [Fact]
    public void Verify_without_qemu_exits_3_naming_the_package()
    {
        var r = Cli.Process(new Dictionary<string, string> { ["PATH"] = "/nonexistent" }, "verify", "--arch", "riscv", "--json");
        Assert.Equal(3, r.Code);
        AssertValid("verify", r.Out);
        Assert.Equal("pmap: qemu-system-riscv64 not installed (Debian package qemu-system-misc)", r.Err.Trim());
    }
}
