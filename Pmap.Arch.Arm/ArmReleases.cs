using static Pmap.Arch.Arm.ArmLayoutEra;
using static Pmap.Arch.Arm.ArmLocalFlush;

namespace Pmap.Arch.Arm;

/// <summary>The barriers around the TLBI of flush_xen_tlb_range_va_local (asm/flushtlb.h).</summary>
public enum ArmLocalFlush
{
    /// <summary>dsb sy; tlbi; dsb sy; isb (c9a82940af).</summary>
    Sy,

    /// <summary>dsb nshst; tlbi; dsb nsh; isb (5e5d1a43e1).</summary>
    Nsh,
}

/// <summary>Which memory layout (XEN_VIRT_START, the fixmap, xen_xenmap pages) a release has; each port says what it means.</summary>
public enum ArmLayoutEra
{
    /// <summary>4.17: asm/config.h, Xen at 2 MiB and the fixmap at 4 MiB on both ports (2b36ebd4a2).</summary>
    Xen417,

    /// <summary>4.18: XEN_VIRT_SIZE 8 MiB, the fixmap at +10 MiB, 4 xen_xenmap pages (abb1522832); arm64 at SLOT0(4).</summary>
    Xen418,

    /// <summary>4.19: arm64 at SLOT0(20) after the 10 TB identity map (6cd046c501); arm32 as 4.18.</summary>
    Xen419,
}

/// <summary>What one Xen release is on Arm: each fact with the commit that gave it its value.</summary>
public sealed record ArmRelease(XenTag Tag, XenFact<bool> FixaddrTopFixed, XenFact<bool> IsbAfterPmapWrite,
    XenFact<bool> IsbAfterPtUpdate, XenFact<ArmLocalFlush> LocalFlush, XenFact<bool> RepeatTlbi, XenFact<ArmLayoutEra> Layout,
    XenFact<bool> FixNames, XenFact<string> PmapC)
{
    /// <summary>4.18.4, or upstream.</summary>
    public string Release => Tag.Release;

    /// <summary>The commit the release was read at.</summary>
    public string Commit => Tag.Commit;
}

/// <summary>
/// Every Arm release from 4.17.0 to the newest tag, and staging as upstream (docs/XEN_FACTS.md, the release matrix): each
/// row computed from the tag list (<see cref="XenTags"/>) and each fact's timeline, the one place a fact is stated.
/// </summary>
public static class ArmReleases
{
    // Timelines, oldest commit first; FirstIn is the first release of each branch holding the commit (X.Y.0: it was on staging).
    public static FactTimeline<bool> FixaddrTopFixed { get; } = new("FIXADDR_TOP",
    [
        new(false, "4f17357b52f6", "4.17.0"), new(true, "fe3412ab83cc", "4.20.0"),
        new(true, "87d2cdd51327", "4.18.4"), new(true, "46a2ce35212c", "4.19.1"),
    ]);

    public static FactTimeline<bool> IsbAfterPmapWrite { get; } = new("isb in arch_pmap_map",
        [new(false, "4f17357b52f6", "4.17.0"), new(true, "feaa9aca87fd", "4.18.0")]);

    public static FactTimeline<bool> IsbAfterPtUpdate { get; } = new("isb on xen_pt_update's insertion path",
        [new(false, null, "4.17.0"), new(true, "c16460ff073b", "4.18.0")]);

    public static FactTimeline<ArmLocalFlush> LocalFlush { get; } = new("flush_xen_tlb_range_va_local barriers",
        [new(Sy, "c9a82940afb2", "4.17.0"), new(Nsh, "5e5d1a43e184", "4.18.0"), new(Nsh, "333c263bbad5", "4.17.7")]);

    // 95b9e5a188 brought the repeat to 4.17.7 and 16f1d36545 took it out again before the tag.
    public static FactTimeline<bool> RepeatTlbi { get; } = new("ARM64_WORKAROUND_REPEAT_TLBI in the local TLBI",
    [
        new(false, "c9a82940afb2", "4.17.0"), new(true, "cbfaf6ccd2cb", "4.18.0"), new(false, "7c502d759151", "4.22.0"),
        new(true, "95b9e5a188f6", "4.17.7"), new(false, "16f1d36545f8", "4.17.7"), new(false, "9fe35345a7e8", "4.18.6"),
        new(false, "54bb4e99724b", "4.19.6"), new(false, "c411e33d8c23", "4.20.4"), new(false, "bec5efc03ade", "4.21.2"),
    ]);

    public static FactTimeline<ArmLayoutEra> Layout { get; } = new("memory layout",
        [new(Xen417, "2b36ebd4a2ff", "4.17.0"), new(Xen418, "abb1522832bb", "4.18.0"), new(Xen419, "6cd046c501bc", "4.19.0")]);

    public static FactTimeline<bool> FixNames { get; } = new("fixmap enum spelling",
        [new(false, "4f17357b52f6", "4.17.0"), new(true, "0441c3acc7e9", "4.19.0")]);

    public static FactTimeline<string> PmapC { get; } = new("xen/common/pmap.c blob",
        [new("14517198aae3", "4f17357b52f6", "4.17.0"), new("6e3ba9298df4", "0441c3acc7e9", "4.19.0")]);

    // After the timelines: static initialisers run in textual order.
    public static IReadOnlyList<ArmRelease> All { get; } = [.. XenTags.Since("4.17.0").Select(Row)];

    /// <summary>The newest tagged release (the default profile).</summary>
    public static ArmRelease Newest => All.Last(r => r.Release != XenRelease.Upstream);

    private static ArmRelease Row(XenTag tag) => new(tag, FixaddrTopFixed.Of(tag.Release),
        IsbAfterPmapWrite.Of(tag.Release), IsbAfterPtUpdate.Of(tag.Release), LocalFlush.Of(tag.Release), RepeatTlbi.Of(tag.Release),
        Layout.Of(tag.Release), FixNames.Of(tag.Release), PmapC.Of(tag.Release));
}
