using System.Text;

namespace Pmap.Host.Tests;

/// <summary>
/// Without --profile, a command given a build (--xen-syms, verify's --xen-image) models the release the build says it is
/// (XEN_FACTS.md §1.2); a named profile of another release is kept, with one warning line.
/// </summary>
public class BuildProfileCliTests
{
    /// <summary>
    /// Debian's 4.17.7 symbols as nm lists them (the values of XenImageTests), followed by the EFI loader's UTF-16 banner
    /// that common/efi/boot.c puts in every arm64 build: a listing that names its release.
    /// </summary>
    private static string Listing(string version)
    {
        var path = Path.Combine(Path.GetTempPath(), $"pmap-nm-{Guid.NewGuid():N}.txt");
        var nm = string.Join("\n", new (ulong Va, string Name)[]
        {
            (0x200000, "_start"), (0x200000, "_stext"), (0x27476c, "_etext"), (0x275000, "_srodata"), (0x292aac, "_erodata"),
            (0x2a1000, "_sinittext"), (0x2bb660, "_einittext"), (0x3360c8, "_end"), (0x297000, "xen_fixmap"),
            (0x328000, "xen_xenmap"), (0x329000, "xen_second"), (0x32a000, "xen_first"), (0x32b000, "xen_pgtable"),
        }.Select(s => $"{s.Va:x16} D {s.Name}"));
        File.WriteAllBytes(path, [.. Encoding.ASCII.GetBytes(nm + "\n"), .. Encoding.Unicode.GetBytes($"Xen {version} (c/s ) EFI loader\r\n")]);
        return path;
    }

    private static CliResult Layout(string version, params string[] more)
    {
        var path = Listing(version);
        try
        {
            return Cli.Run(["--arch", "arm64", .. more, "layout", "--xen-syms", path, "--json"]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void The_build_names_its_profile_when_none_is_given()
    {
        // The default profile (the newest release) would refuse 4.17's tables: xen_second right after a 1-page xen_xenmap.
        var r = Layout("4.17.7");
        Assert.Equal(0, r.Code);
        Assert.Equal("xen-4.17.7", r.Json.GetProperty("profile").GetString());
        Assert.Equal("", r.Err);
    }

    [Fact]
    public void A_named_profile_the_build_disagrees_with_is_kept_with_a_warning()
    {
        var r = Layout("4.17.7", "--profile", "xen-4.17.0");
        Assert.Equal(0, r.Code);
        Assert.Equal("xen-4.17.0", r.Json.GetProperty("profile").GetString());
        Assert.StartsWith("pmap: warning: --profile xen-4.17.0 is not the build's release: pmap-nm-", r.Err, StringComparison.Ordinal);
        Assert.Contains("says Xen 4.17.7 (profile xen-4.17.7); going on with xen-4.17.0", r.Err, StringComparison.Ordinal);
        Assert.Single(r.Err.TrimEnd().Split('\n'));
        // The branch alias names the same release: no warning.
        Assert.Equal("", Layout("4.17.7", "--profile", "xen-4.17").Err);
    }

    [Fact]
    public void A_listing_that_names_no_release_takes_the_default_as_before()
    {
        var r = Layout("not a version", "--profile", "xen-4.17.7");
        Assert.Equal((0, ""), (r.Code, r.Err));
    }

    /// <summary>Debian's own xen-syms: XEN_EXTRAVERSION ".7", so xen-4.17.7, where the default once refused overlapping tables.</summary>
    [XenSymsFact]
    public void Debians_xen_syms_are_4_17_7()
    {
        var r = Cli.Run(["--arch", "arm64", "layout", "--xen-syms", XenSymsFactAttribute.Syms!, "--json"]);
        Assert.Equal((0, "xen-4.17.7", ""), (r.Code, r.Json.GetProperty("profile").GetString(), r.Err));
    }
}
