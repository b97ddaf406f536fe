namespace Pmap.Host.Tests.Schemas;

// hazards' document for a real binary (--xen-syms): the shape other tools record the streams in.
public partial class SchemaTests
{
    [CapstoneAndSymsFact]
    public void Hazards_of_a_real_binary_statically()
    {
        var doc = Run("hazards", 4, "hazards", "--arch", "arm64", "--profile", "xen-4.17", "--xen-syms", XenSymsFactAttribute.Syms!, "--static",
            "--why", "--json");
        Assert.Equal("static", (string?)doc["mode"]);
        var store = doc["streams"]![0]!["instructions"]!.AsArray().Single(i => (string?)i!["role"] == "pte-store")!;
        Assert.Equal(("0x2aaac8", "200000f9", "str x0, [x1]", "pmap_map"),
            ((string?)store["pc"], (string?)store["bytes"], (string?)store["disassembly"], (string?)store["function"]));
        Assert.True((bool)doc["modelAgrees"]!);
    }

    [XenImageAndSymsFact]
    public void Hazards_of_a_real_binary_under_qemu()
    {
        var doc = Run("hazards", 4, "hazards", "--arch", "arm64", "--profile", "xen-4.17", "--xen-syms", XenSymsFactAttribute.Syms!,
            "--xen-image", XenImageFactAttribute.Image!, "--json");
        Assert.Equal("dynamic", (string?)doc["mode"]);
        Assert.Equal("0x2aaacc", (string?)doc["hazards"]![0]!["pc"]);
    }
}
