namespace Pmap.Port;

/// <summary>A Xen release tag (RELEASE-4.18.4) as Pmap spells it (4.18.4), the commit it points at and its commit date.</summary>
public sealed record XenTag(string Release, string Commit, DateOnly Date);

/// <summary>
/// Every Xen release tag from the first with PMAP (RELEASE-4.17.0) to the newest, then staging as upstream: the one list
/// each port's release table is computed from (docs/XEN_FACTS.md §1). A port names its first release; its facts come from
/// its timelines.
/// </summary>
public static class XenTags
{
    /// <summary>Staging as modelled: the commit upstream was read at.</summary>
    public static XenTag Upstream { get; } = new(XenRelease.Upstream, "c447b7308b13", new(2026, 8, 20));

    /// <summary>The tags, branch by branch, oldest first.</summary>
    public static IReadOnlyList<XenTag> Released { get; } =
    [
        T("4.17.0", "11560248ffda", 2022, 12, 8), T("4.17.1", "0880df6f5f90", 2023, 4, 27),
        T("4.17.2", "322a20add00a", 2023, 8, 8), T("4.17.3", "949a4aad4176", 2023, 12, 18),
        T("4.17.4", "d530627aaa9b", 2024, 4, 9), T("4.17.5", "430ce6cd9365", 2024, 8, 14),
        T("4.17.6", "8c80ec836310", 2025, 12, 15), T("4.17.7", "9373a593c5a6", 2026, 7, 29),
        T("4.18.0", "d75f1e9b7431", 2023, 11, 16), T("4.18.1", "ea82c8cdbfe5", 2024, 3, 18),
        T("4.18.2", "d152a0424677", 2024, 4, 9), T("4.18.3", "bd51e573a730", 2024, 8, 14),
        T("4.18.4", "e77ff5473858", 2024, 12, 19), T("4.18.5", "0b8f769d00bc", 2025, 5, 15),
        T("4.18.6", "c9355898f3b8", 2026, 7, 29),
        T("4.19.0", "026c9fa29716", 2024, 7, 29), T("4.19.1", "ccf400846780", 2024, 12, 4),
        T("4.19.2", "f3362182e028", 2025, 4, 4), T("4.19.3", "077419f04a31", 2025, 8, 4),
        T("4.19.4", "ac1c1fb9e890", 2025, 12, 4), T("4.19.5", "7a15cde90e8f", 2026, 3, 26),
        T("4.19.6", "54ee7c511ae7", 2026, 7, 29),
        T("4.20.0", "3ad5d648cda5", 2025, 3, 4), T("4.20.1", "08f043965a7b", 2025, 7, 9),
        T("4.20.2", "03299bb3ec81", 2025, 11, 13), T("4.20.3", "14274673cbb4", 2026, 3, 26),
        T("4.20.4", "9611e26eff42", 2026, 7, 29),
        T("4.21.0", "06af9ef22996", 2025, 11, 18), T("4.21.1", "f1a1e629d0cc", 2026, 3, 26),
        T("4.21.2", "78c2a59f9edb", 2026, 7, 29),
        T("4.22.0", "d45d5687f144", 2026, 7, 29),
    ];

    /// <summary>The tags from <paramref name="first"/> (a port's first release with PMAP) on, in branch order, then upstream.</summary>
    public static IReadOnlyList<XenTag> Since(string first)
    {
        var from = XenRelease.Parse(first);
        return [.. Released.Where(t => XenRelease.Parse(t.Release).CompareTo(from) >= 0), Upstream];
    }

    private static XenTag T(string release, string commit, int year, int month, int day) => new(release, commit, new(year, month, day));
}
