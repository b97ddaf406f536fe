using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Pmap.Core.Arch;

/// <summary>
/// The version a Xen build wrote into its binary (docs/XEN_FACTS.md, the version in a build): XEN_VERSION.XEN_SUBVERSION and
/// XEN_EXTRAVERSION, as <paramref name="Evidence"/> found them. <paramref name="Extra"/> is null when only X.Y was found.
/// </summary>
public sealed partial record XenBuildVersion(int Major, int Minor, string? Extra, string Evidence)
{
    /// <summary>4.17.7, 4.23-unstable; X.Y alone when the extraversion was not found.</summary>
    public string Full => $"{Major}.{Minor}{Extra}";

    // common/efi/boot.c: PrintStr(L"Xen " XEN_VERSION_STRING XEN_EXTRAVERSION " (c/s " XEN_CHANGESET ") EFI loader\r\n").
    private static readonly byte[] EfiStart = Encoding.Unicode.GetBytes("Xen ");
    private static readonly byte[] EfiEnd = Encoding.Unicode.GetBytes(" (c/s ");

    // arch/arm/domain_build.c: the hypervisor node's compatible "xen,xen-" XEN_VERSION_STRING "\0".
    private static readonly byte[] Compatible = "xen,xen-"u8.ToArray();

    /// <summary>Reads a Xen image or xen-syms; null when neither string is in it (not a Xen build, or one without both).</summary>
    public static XenBuildVersion? Read(ReadOnlySpan<byte> file) => FromEfiLoader(file) ?? FromCompatible(file);

    /// <summary>The EFI loader's banner (UTF-16): the whole version. Arm64 and x86 builds with EFI have it.</summary>
    private static XenBuildVersion? FromEfiLoader(ReadOnlySpan<byte> file)
    {
        for (var at = file.IndexOf(EfiStart); at >= 0; at = Next(file, at, EfiStart))
        {
            var rest = file[(at + EfiStart.Length)..];
            var end = rest.IndexOf(EfiEnd);
            if (end <= 0 || end > 128 || end % 2 != 0) continue;
            var text = Encoding.Unicode.GetString(rest[..end]);
            if (VersionPattern().Match(text) is { Success: true } m)
                return new(Number(m.Groups[1].Value), Number(m.Groups[2].Value), m.Groups[3].Value, "the EFI loader banner");
        }
        return null;
    }

    /// <summary>Arm's "xen,xen-X.Y" compatible string: the branch only.</summary>
    private static XenBuildVersion? FromCompatible(ReadOnlySpan<byte> file)
    {
        for (var at = file.IndexOf(Compatible); at >= 0; at = Next(file, at, Compatible))
        {
            var rest = file[(at + Compatible.Length)..];
            var end = rest.IndexOf((byte)0);
            if (end <= 0 || end > 16) continue;
            if (BranchPattern().Match(Encoding.ASCII.GetString(rest[..end])) is { Success: true } m)
                return new(Number(m.Groups[1].Value), Number(m.Groups[2].Value), null, "the compatible string xen,xen-X.Y");
        }
        return null;
    }

    private static int Next(ReadOnlySpan<byte> file, int at, byte[] pattern)
    {
        var next = file[(at + 1)..].IndexOf(pattern);
        return next < 0 ? -1 : at + 1 + next;
    }

    private static int Number(string s) => int.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture);

    /// <summary>
    /// The modelled release this build is, among <paramref name="releases"/> (X.Y.Z and upstream), and why when it is not
    /// plainly X.Y.Z: ".N" and ".N" + a vendor suffix ("+13-g2445b30a44", "-0+deb12u1") are X.Y.N; ".N-pre" (a stable branch
    /// on its way to N) is X.Y.(N-1); ".N-rcK" and "-rc" are X.Y.N (X.Y.0); "-unstable" is upstream. A release newer than
    /// every modelled one of its branch is that branch's newest; a branch newer than every modelled one is upstream.
    /// </summary>
    public (string Release, string? Note)? Release(IReadOnlyCollection<string> releases)
    {
        ArgumentNullException.ThrowIfNull(releases);
        var branch = $"{Major}.{Minor}";
        var ofBranch = releases.Where(r => r != XenRelease.Upstream && XenRelease.Branch(r) == branch)
            .OrderBy(r => XenRelease.Parse(r).Patch).ToList();
        int? patch = null;
        string? note = null;
        if (Extra is null) note = $"only {branch} is in the build: its newest modelled release";
        else if (Extra.StartsWith("-unstable", StringComparison.Ordinal))
            return releases.Contains(XenRelease.Upstream) ? (XenRelease.Upstream, null) : null;
        else if (Extra.StartsWith("-rc", StringComparison.Ordinal)) patch = 0;
        else if (PatchPattern().Match(Extra) is { Success: true } m)
        {
            patch = Number(m.Groups[1].Value);
            if (m.Groups[2].Value.StartsWith("-pre", StringComparison.Ordinal))
            {
                if (patch == 0) return releases.Contains(XenRelease.Upstream) ? (XenRelease.Upstream, $"{Full} precedes {branch}.0") : null;
                patch--;
                note = $"{Full} is {branch}.{patch} with later fixes of its branch";
            }
        }
        else return null;
        if (patch is { } p && ofBranch.Contains($"{branch}.{p}")) return ($"{branch}.{p}", note);
        var newerBranch = releases.Where(r => r != XenRelease.Upstream).All(r => XenRelease.Parse(r).Branch < (Major * 100) + Minor);
        if (ofBranch.Count == 0)
            return newerBranch && releases.Contains(XenRelease.Upstream) ? (XenRelease.Upstream, $"{branch} is newer than every modelled release") : null;
        var newest = ofBranch[^1];
        if (patch is { } q && q < XenRelease.Parse(newest).Patch) return null;
        return (newest, note ?? $"{Full} is newer than every modelled {branch}.z");
    }

    [GeneratedRegex(@"^(\d+)\.(\d+)(\S*)$", RegexOptions.CultureInvariant)]
    private static partial Regex VersionPattern();

    [GeneratedRegex(@"^(\d+)\.(\d+)$", RegexOptions.CultureInvariant)]
    private static partial Regex BranchPattern();

    [GeneratedRegex(@"^\.(\d+)(\S*)$", RegexOptions.CultureInvariant)]
    private static partial Regex PatchPattern();
}
