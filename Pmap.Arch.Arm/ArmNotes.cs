
namespace Pmap.Arch.Arm;

/// <summary>
/// The notes `pmap layout` and `pmap report` print for an Arm profile, each computed from one fact of the profile's release
/// (docs/XEN_FACTS.md, the release matrix and the two bugs) in that release's spelling: a fact that does not hold gives no note.
/// </summary>
public static class ArmNotes
{
    /// <summary>The notes of <paramref name="profile"/> over the fixmap its model built.</summary>
    public static IReadOnlyList<string> Of(ArmProfile profile, FixmapLayout fixmap)
    {
        var notes = new List<string>();
        var release = profile.Release.Release;
        if (profile.FixaddrTopOffByOne)
        {
            // asm/fixmap.h: FIXADDR_TOP FIXMAP_ADDR(FIXMAP_LAST) up to 4.18.x, FIXMAP_ADDR(FIX_LAST) in 4.19.0 (0441c3acc7).
            notes.Add($"FIXADDR_TOP = FIXMAP_ADDR({profile.SlotName("LAST")}) = {fixmap.FixaddrTop}: the address OF the last PMAP slot " +
                $"{fixmap.FixPmapEnd}, so pmap_unmap of it hits virt_to_fix's BUG_ON ({FixedBy(ArmReleases.FixaddrTopFixed, release)})");
        }
        if (!profile.IsbAfterPmapWrite)
        {
            notes.Add("arch_pmap_map has no isb after write_pte: the returned VA may be translated with the old entry " +
                $"({FixedBy(ArmReleases.IsbAfterPmapWrite, release)})");
        }
        return notes;
    }

    /// <summary>
    /// Where the fix is: the staging commit and the release it first came with, and for <paramref name="release"/>'s branch the
    /// backport (the first change to true first in a later release of the same branch) or that there is none.
    /// </summary>
    public static string FixedBy(FactTimeline<bool> timeline, string release)
    {
        var upstream = timeline.Changes.First(c => c.Value && c.FirstIn.Any(f => f != XenRelease.Upstream && XenRelease.Parse(f).Patch == 0));
        var text = $"fixed upstream by {Short(upstream.Commit)}, first in {upstream.FirstIn[0]}";
        if (release == XenRelease.Upstream) return text;
        var branch = XenRelease.Branch(release);
        var backport = timeline.Changes.FirstOrDefault(c => c.Value && c != upstream
            && c.FirstIn.Any(f => f != XenRelease.Upstream && XenRelease.Branch(f) == branch));
        return backport is null
            ? $"{text}; never backported to {branch}"
            : $"{text}; in {branch} by {Short(backport.Commit)}, first in {backport.FirstIn.First(f => XenRelease.Branch(f) == branch)}";
    }

    private static string Short(string? commit) => commit is null ? "?" : commit[..Math.Min(10, commit.Length)];
}
