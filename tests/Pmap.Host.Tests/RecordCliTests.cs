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
            Assert.Equal(4, r.Code); // the FDT, VMAP and frametable mappings the model does not make
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
