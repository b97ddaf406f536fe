namespace Pmap.Port;

/// <summary>
/// The order and aliases of a port's release profiles, the same for every port that models Xen releases: the newest release
/// first (the default), upstream, the port's own extra profiles, the branch aliases (xen-4.18 = the newest 4.18.z), then
/// every older release.
/// </summary>
public static class ReleaseProfiles
{
    /// <summary>
    /// The profiles of <paramref name="releases"/> (oldest first, then upstream), each built by <paramref name="profileOf"/>; an
    /// alias is its release's profile given a new name and summary by <paramref name="renamed"/>.
    /// </summary>
    public static IReadOnlyList<TProfile> Ordered<TRelease, TProfile>(IReadOnlyList<TRelease> releases, Func<TRelease, XenTag> tagOf,
        Func<TRelease, TProfile> profileOf, Func<TProfile, string, string, TProfile> renamed, params TProfile[] extras)
        where TProfile : IProfile
    {
        ArgumentNullException.ThrowIfNull(releases);
        ArgumentNullException.ThrowIfNull(tagOf);
        ArgumentNullException.ThrowIfNull(profileOf);
        ArgumentNullException.ThrowIfNull(renamed);
        var byRelease = releases.ToDictionary(r => tagOf(r).Release, profileOf);
        var tagged = releases.Select(r => tagOf(r).Release).Where(r => r != XenRelease.Upstream).ToList();
        var newest = tagged[^1];
        var aliases = XenRelease.BranchAliases(tagged)
            .Select(a => renamed(byRelease[a.Release], a.Alias, $"{XenRelease.ProfileName(a.Release)}, the newest {a.Alias[4..]}.z"));
        var older = tagged.Where(r => r != newest).Select(r => byRelease[r]);
        return [byRelease[newest], byRelease[XenRelease.Upstream], .. extras, .. aliases, .. older];
    }

    /// <summary>What a profile summary starts with: RELEASE-4.18.4, or staging and its commit.</summary>
    public static string Origin(XenTag tag)
    {
        ArgumentNullException.ThrowIfNull(tag);
        return tag.Release == XenRelease.Upstream ? $"staging {tag.Commit}" : $"RELEASE-{tag.Release}";
    }
}
