using System.Text.Json;

namespace Pmap.Host.Tests;

/// <summary>`pmap verify --xen-image --record`: what a real Xen did, written for holding a profile to it without QEMU.</summary>
public class RecordCliTests
{
    [Fact]
    public void Record_needs_the_builds_symbols()
    {
        var image = Path.Combine(Path.GetTempPath(), $"pmap-image-{Guid.NewGuid():N}");
        var record = image + ".json";
        File.WriteAllBytes(image, new byte[4096]);
        try
        {
            var r = Cli.Run(["verify", "--arch", "arm64", "--xen-image", image, "--record", record]);
            Assert.Equal(2, r.Code);
            Assert.Equal("pmap: --record needs --xen-image and --xen-syms: a record holds the build's symbols and its PMAP calls", r.Err.TrimEnd());
            Assert.False(File.Exists(record));
        }
        finally
        {
            File.Delete(image);
        }
    }

    /// <summary>
    /// Debian's 4.17.7 with no --profile: the image says 4.17.7 (its EFI loader banner), so the model is xen-4.17.7 and no warning
    /// is printed; the record has the 102 PMAP calls and the root xen_pgtable at 0x4032b000 (xen-syms 0x32b000).
    /// </summary>
    [XenImageAndSymsFact]
    public void Debians_image_names_its_profile_and_is_recorded()
    {
        var record = Path.Combine(Path.GetTempPath(), $"pmap-record-{Guid.NewGuid():N}.json");
        try
        {
            var r = Cli.Run(["verify", "--arch", "arm64", "--xen-image", XenImageFactAttribute.Image!, "--xen-syms", XenSymsFactAttribute.Syms!,
                "--record", record, "--json"]);
            Assert.Equal(0, r.Code); // the tables agree but for dom0's maptrack frames, which Xen's heap chose; the PMAP calls agree
            Assert.Equal(2, r.Json.GetProperty("heapChosen").GetInt32());
            Assert.Equal(0, r.Json.GetProperty("unexplained").GetInt32());
            Assert.Equal("xen-4.17.7", r.Json.GetProperty("profile").GetString());
            Assert.DoesNotContain("warning", r.Err, StringComparison.Ordinal);
            using var doc = JsonDocument.Parse(File.ReadAllText(record));
            var root = doc.RootElement;
            Assert.Equal(("4.17.7", "xen-4.17.7", "0x4032b000", 102), (root.GetProperty("version").GetString(), root.GetProperty("profile").GetString(),
                root.GetProperty("root").GetString(), root.GetProperty("pmapCalls").GetArrayLength()));
            Assert.Equal(File.ReadAllBytes(XenImageFactAttribute.Image!).LongLength, root.GetProperty("imageSize").GetInt64());
            Assert.Equal("0x32b000", root.GetProperty("symbols").GetProperty("xen_pgtable").GetString());
        }
        finally
        {
            File.Delete(record);
        }
    }
}

/// <summary>`pmap verify --xen-image` against Debian's 4.17.7 under QEMU: its verdict and the lines that give it.</summary>
public class RealXenVerifyCliTests
{
    /// <summary>
    /// 2 GiB: exit 0, with every table page agreeing but the frame of dom0's two maptrack pages (said, not hidden), and the
    /// 102 PMAP calls equal.
    /// </summary>
    [XenImageAndSymsFact]
    public void Verify_against_debians_4_17_7_at_2G_agrees_and_says_what_the_heap_chose()
    {
        var r = Cli.Run(["verify", "--arch", "arm64", "--profile", "xen-4.17", "--xen-image", XenImageFactAttribute.Image!,
            "--xen-syms", XenSymsFactAttribute.Syms!, "--ram-size", "2G"]);
        Assert.Equal(0, r.Code);
        Assert.Contains("every entry of the 17 table pages agrees but the frame of 2", r.Out, StringComparison.Ordinal);
        Assert.Contains("2 entries map a page Xen's heap chose (alloc_domheap_page): equal in every bit but the frame, which the model "
            + "does not predict", r.Out, StringComparison.Ordinal);
        Assert.Contains("the model's 102 (slots 66, 67) are the same calls, slot, MFN and order", r.Out, StringComparison.Ordinal);
        Assert.Contains("PMAP calls agree", r.Out, StringComparison.Ordinal);
        Assert.Contains("grant_table_init", r.Out, StringComparison.Ordinal); // the two entries are listed
    }
}
