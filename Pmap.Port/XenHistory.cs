using System.Globalization;

namespace Pmap.Port;

/// <summary>One fact of one Xen release: its value and the commit that gave it (null: the state before any commit we cite).</summary>
public sealed record XenFact<T>(T Value, string? Commit);

/// <summary>
/// One commit in a fact's history: the value it sets and the first release of each branch that contains it
/// (<c>4.18.0</c> for a commit on staging before 4.18 branched, <c>4.18.4</c> for a backport, <c>upstream</c> if unreleased).
/// </summary>
public sealed record FactChange<T>(T Value, string? Commit, params string[] FirstIn);

/// <summary>A fact's history, oldest commit first: the value a release has is that of the newest commit it contains.</summary>
public sealed record FactTimeline<T>(string Name, IReadOnlyList<FactChange<T>> Changes)
{
    /// <summary>The newest change contained in <paramref name="release"/> (4.18.4 or upstream).</summary>
    public FactChange<T> At(string release) => Changes.Last(c => XenRelease.Contains(release, c.FirstIn));

    /// <summary>What <paramref name="release"/> has: the value and commit of <see cref="At"/>.</summary>
    public XenFact<T> Of(string release)
    {
        var change = At(release);
        return new(change.Value, change.Commit);
    }
}

/// <summary>Release tags as Pmap spells them (4.18.4, upstream) and which commits they contain.</summary>
public static class XenRelease
{
    /// <summary>The name of the newest, unreleased code (Xen's staging branch).</summary>
    public const string Upstream = "upstream";

    /// <summary>
    /// Whether a release contains a commit first released in <paramref name="firstIn"/>: a commit first in X.Y.0 was on
    /// staging, so every later branch and upstream has it; one first in X.Y.Z (Z &gt; 0) is a backport, only in X.Y.Z and later X.Y.
    /// </summary>
    public static bool Contains(string release, IEnumerable<string> firstIn) => firstIn.Any(f =>
    {
        if (release == Upstream) return f == Upstream || Parse(f).Patch == 0;
        if (f == Upstream) return false;
        var (r, c) = (Parse(release), Parse(f));
        return c.Patch == 0 ? r.Branch >= c.Branch : r.Branch == c.Branch && r.Patch >= c.Patch;
    });

    /// <summary>4.18.4 → (branch 418, patch 4).</summary>
    public static (int Branch, int Patch) Parse(string release)
    {
        var parts = release.Split('.');
        if (parts.Length != 3) throw new FormatException($"'{release}' is not a release (X.Y.Z)");
        return ((int.Parse(parts[0], CultureInfo.InvariantCulture) * 100) + int.Parse(parts[1], CultureInfo.InvariantCulture),
            int.Parse(parts[2], CultureInfo.InvariantCulture));
    }

    /// <summary>4.18.4 → 4.18.</summary>
    public static string Branch(string release) => release[..release.LastIndexOf('.')];

    /// <summary>The profile name of a release: xen-4.18.4 (upstream stays upstream).</summary>
    public static string ProfileName(string release) => release == Upstream ? Upstream : "xen-" + release;

    /// <summary>xen-4.18 for each branch, meaning its newest release, in <paramref name="releases"/> order.</summary>
    public static IEnumerable<(string Alias, string Release)> BranchAliases(IEnumerable<string> releases) =>
        releases.Where(r => r != Upstream).GroupBy(Branch).Select(g => ("xen-" + g.Key, g.OrderBy(r => Parse(r).Patch).Last()));
}

/// <summary>One cell of `pmap versions`: a fact's value as shown and the commit behind it.</summary>
public sealed record ReleaseFactCell(string Fact, string Value, string? Commit);

/// <summary>One release as `pmap versions` lists it: its tag, its profile, the commit it was read at, its facts.</summary>
public sealed record ReleaseFacts(string Release, string Profile, string Commit, IReadOnlyList<ReleaseFactCell> Facts);

/// <summary>An architecture that models Xen releases one by one (optional: the host lists them with `pmap versions`).</summary>
public interface IReleaseHistory
{
    /// <summary>Every modelled release, oldest first, then upstream.</summary>
    IReadOnlyList<ReleaseFacts> Releases { get; }

    /// <summary>What a reader of the table needs to know (how a fact reaches the model).</summary>
    IReadOnlyList<string> ReleaseNotes { get; }
}
