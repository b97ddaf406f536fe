using System.Text.RegularExpressions;

namespace Pmap.Core.Arch;

/// <summary>The profile a Xen binary's own version asks for: the file, what it says, the profile, and why when not plainly.</summary>
public sealed record DetectedProfile(string File, XenBuildVersion Version, string Profile, string? Note)
{
    /// <summary>"xen-4.17-arm64 says Xen 4.17.7 (profile xen-4.17.7)".</summary>
    public string Describe() => $"{Path.GetFileName(File)} says Xen {Version.Full} (profile {Profile}{(Note is null ? "" : "; " + Note)})";
}

/// <summary>Takes a profile from the build being examined (--xen-image, --xen-syms): its version against the port's releases.</summary>
public static partial class BuildProfile
{
    /// <summary>
    /// The profile of <paramref name="arch"/> that the build at <paramref name="path"/> is, or null when the file holds no
    /// version (an nm or System.map listing) or the port models no such release; a file that cannot be read is left to
    /// the reader that needs it, which reports it.
    /// </summary>
    public static DetectedProfile? Detect(IArchitecture arch, string path)
    {
        ArgumentNullException.ThrowIfNull(arch);
        byte[] bytes;
        try
        {
            bytes = InputFile.ReadAllBytes(path, InputFile.SymbolsLimit);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return null;
        }
        return XenBuildVersion.Read(bytes) is { } version && version.Release(Releases(arch)) is { } r
            ? new DetectedProfile(path, version, XenRelease.ProfileName(r.Release), r.Note)
            : null;
    }

    /// <summary>The releases (X.Y.Z, upstream) the port has a profile of.</summary>
    public static IReadOnlyList<string> Releases(IArchitecture arch) =>
        arch.ProfileNames().Where(n => n == XenRelease.Upstream || ReleaseName().IsMatch(n)).Select(n => n == XenRelease.Upstream ? n : n[4..]).ToList();

    /// <summary>The release a profile models: an alias xen-X.Y is its branch's newest release; other names are themselves.</summary>
    public static string ReleaseOf(IArchitecture arch, string profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        if (!BranchName().IsMatch(profile)) return profile;
        var branch = profile[4..];
        var newest = Releases(arch).Where(r => r != XenRelease.Upstream && XenRelease.Branch(r) == branch).MaxBy(r => XenRelease.Parse(r).Patch);
        return newest is null ? profile : XenRelease.ProfileName(newest);
    }

    [GeneratedRegex(@"^xen-\d+\.\d+\.\d+$", RegexOptions.CultureInvariant)]
    private static partial Regex ReleaseName();

    [GeneratedRegex(@"^xen-\d+\.\d+$", RegexOptions.CultureInvariant)]
    private static partial Regex BranchName();
}
