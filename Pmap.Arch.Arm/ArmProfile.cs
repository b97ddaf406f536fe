
namespace Pmap.Arch.Arm;

/// <summary>Where an Arm port's Xen puts its image and fixmap in one layout era, and the commit that put them there.</summary>
public sealed record ArmLayout(ulong FixmapBase, ulong XenVirtStart, int XenmapPages, string Commit);

/// <summary>
/// What distinguishes the modelled Xen revisions on Arm (docs/XEN_FACTS.md: the release matrix, and the two bugs): where
/// the fixmap sits, whether FIXADDR_TOP has the off-by-one, whether arch_pmap_map ends with an ISB, the barriers of
/// flush_xen_tlb_range_va_local, and which pmap.c runs on top. Release is the row it was derived from.
/// </summary>
public sealed record ArmProfile(
    string Name,
    string Summary,
    ArmLayout Layout,
    bool FixaddrTopOffByOne,
    bool IsbAfterPmapWrite,
    bool IsbAfterPtUpdate,
    string FlushBarrierBefore,
    string FlushBarrierAfter,
    PmapCommonVariant CommonCode,
    bool FixNames,
    ArmRelease Release) : IProfile
{
    public ulong FixmapBase => Layout.FixmapBase;
    public ulong XenVirtStart => Layout.XenVirtStart;
    public int XenmapPages => Layout.XenmapPages;

    /// <summary>Enum spelling of the revision: FIXMAP_* before 0441c3acc7 (4.19), FIX_* after.</summary>
    public string SlotName(string suffix) => (FixNames ? "FIX_" : "FIXMAP_") + suffix;
}

/// <summary>The Arm profiles, derived once for both ports from <see cref="ArmReleases"/>: they differ in layout and BITS_PER_LONG.</summary>
public static class ArmProfiles
{
    /// <summary>Every release and upstream in <see cref="ReleaseProfiles"/>' order, with seed-v3 after upstream.</summary>
    public static IReadOnlyList<ArmProfile> For(IReadOnlyDictionary<ArmLayoutEra, ArmLayout> layouts, int bitsPerLong)
    {
        ArmProfile Of(ArmRelease r) => From(r, layouts[r.Layout.Value]);
        // The v3 patch as posted (Feb 2022): 4.17.0's Arm side under v3's pmap.c, whose bitmap is one unsigned long.
        var seedV3 = Of(ArmReleases.All[0]) with
        {
            Name = "seed-v3",
            Summary = $"[PATCH v3 14/19] as posted: local_irq_save, one {bitsPerLong}-bit unsigned long bitmap",
            CommonCode = PmapCommonVariant.SeedV3(bitsPerLong),
        };
        return ReleaseProfiles.Ordered(ArmReleases.All, r => r.Tag, Of, (p, name, summary) => p with { Name = name, Summary = summary }, seedV3);
    }

    private static ArmProfile From(ArmRelease r, ArmLayout layout)
    {
        var (before, after) = r.LocalFlush.Value == ArmLocalFlush.Sy ? ("dsb sy", "dsb sy") : ("dsb nshst", "dsb nsh");
        var common = r.FixNames.Value ? PmapCommonVariant.Upstream : PmapCommonVariant.Release417;
        var name = XenRelease.ProfileName(r.Release);
        var summary = $"{ReleaseProfiles.Origin(r.Tag)}: FIXADDR_TOP {(r.FixaddrTopFixed.Value ? "fixed" : "off by one")}, " +
                      $"{(r.IsbAfterPmapWrite.Value ? "isb" : "no isb")} after the PMAP store, {before}/{after} flush";
        return new ArmProfile(name, summary, layout, !r.FixaddrTopFixed.Value, r.IsbAfterPmapWrite.Value, r.IsbAfterPtUpdate.Value,
            before, after, common, r.FixNames.Value, r);
    }
}
