using System.Text;
using Pmap.Core.Arch;

namespace Pmap.Core.Tests;

/// <summary>
/// Xen's version as its build writes it: common/efi/boot.c's loader banner L"Xen " XEN_VERSION_STRING XEN_EXTRAVERSION
/// " (c/s " XEN_CHANGESET ") EFI loader" (UTF-16), else arch/arm/domain_build.c's "xen,xen-" XEN_VERSION_STRING.
/// </summary>
public class XenBuildVersionTests
{
    private static byte[] Build(params byte[][] parts) => [.. Enumerable.Repeat((byte)0xa5, 100), .. parts.SelectMany(p => p.Concat(new byte[37]))];

    private static byte[] Efi(string version) => Encoding.Unicode.GetBytes($"Xen {version} (c/s ) EFI loader\r\n");

    [Fact]
    public void The_efi_loader_banner_gives_the_whole_version()
    {
        var v = XenBuildVersion.Read(Build("xen,xen-4.17\0"u8.ToArray(), Efi("4.17.7")));
        Assert.Equal((4, 17, ".7", "4.17.7"), (v!.Major, v.Minor, v.Extra, v.Full));
        Assert.Equal("the EFI loader banner", v.Evidence);
        // An ASCII "Xen " and a UTF-16 one that is not a version are passed over.
        var noisy = Build("Xen 5 (c/s "u8.ToArray(), Encoding.Unicode.GetBytes("Xen must be loaded (c/s "), Efi("4.23-unstable"));
        Assert.Equal("4.23-unstable", XenBuildVersion.Read(noisy)!.Full);
    }

    [Fact]
    public void Without_the_banner_the_compatible_string_gives_the_branch()
    {
        var v = XenBuildVersion.Read(Build("xen,xen-\0"u8.ToArray(), "xen,xen-4.19\0"u8.ToArray()));
        Assert.Equal((4, 19, (string?)null, "4.19"), (v!.Major, v.Minor, v.Extra, v.Full));
        Assert.Null(XenBuildVersion.Read(Build("Xen version %d.%d%s"u8.ToArray())));
        Assert.Null(XenBuildVersion.Read([]));
    }

    private static readonly string[] Releases =
        [.. Enumerable.Range(0, 8).Select(z => $"4.17.{z}"), .. Enumerable.Range(0, 7).Select(z => $"4.18.{z}"), "4.22.0", "upstream"];

    [Theory]
    [InlineData(17, ".7", "4.17.7", false)]
    // A vendor's suffix after the release: git describe's commits since the tag, Debian's revision.
    [InlineData(17, ".7+13-g2445b30a44", "4.17.7", false)]
    [InlineData(17, ".7-0+deb12u1", "4.17.7", false)]
    // A stable branch on its way to 4.17.8 holds 4.17.7 and later fixes.
    [InlineData(17, ".8-pre", "4.17.7", true)]
    [InlineData(18, ".3-pre", "4.18.2", true)]
    // Release candidates of X.Y.0; staging.
    [InlineData(22, ".0-rc3", "4.22.0", false)]
    [InlineData(22, "-rc", "4.22.0", false)]
    [InlineData(23, "-unstable", "upstream", false)]
    // Newer than every modelled release: the branch's newest, or upstream past the last branch.
    [InlineData(18, ".9", "4.18.6", true)]
    [InlineData(23, ".0", "upstream", true)]
    [InlineData(18, null, "4.18.6", true)]
    public void Extraversions_map_to_a_modelled_release(int minor, string? extra, string release, bool noted)
    {
        var r = new XenBuildVersion(4, minor, extra, "test").Release(Releases);
        Assert.Equal(release, r!.Value.Release);
        Assert.Equal(noted, r.Value.Note is not null);
    }

    [Theory]
    [InlineData(16, ".0")]
    [InlineData(20, ".1")]
    [InlineData(17, "-weird")]
    public void A_release_the_port_does_not_model_maps_to_none(int minor, string extra) =>
        Assert.Null(new XenBuildVersion(4, minor, extra, "test").Release(Releases));

    /// <summary>Debian's 4.17.7+13-g2445b30a44-0+deb12u1 xen-syms: XEN_EXTRAVERSION ".7" (the +13 and deb12u1 are the package's).</summary>
    [XenSymsFact]
    public void Debians_xen_syms_says_4_17_7()
    {
        var v = XenBuildVersion.Read(File.ReadAllBytes(XenSymsFactAttribute.Path!));
        Assert.Equal(("4.17.7", "the EFI loader banner"), (v!.Full, v.Evidence));
    }
}
