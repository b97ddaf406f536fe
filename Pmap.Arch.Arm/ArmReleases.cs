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
public sealed record ArmRelease(string Release, string Commit, XenFact<bool> FixaddrTopFixed, XenFact<bool> IsbAfterPmapWrite,
    XenFact<bool> IsbAfterPtUpdate, XenFact<ArmLocalFlush> LocalFlush, XenFact<bool> RepeatTlbi, XenFact<ArmLayoutEra> Layout,
    XenFact<bool> FixNames, XenFact<string> PmapC);

/// <summary>
/// Every Arm release from 4.17.0 to the newest tag, and staging as upstream: the facts read at each tag
/// (docs/XEN_FACTS.md, the release matrix), and each fact's timeline, from which the tests re-derive every row.
/// </summary>
public static class ArmReleases
{
    /// <summary>The staging commit upstream was read at (2026-08-20).</summary>
    public const string UpstreamCommit = "c447b7308b13";

    public static IReadOnlyList<ArmRelease> All { get; } =
    [
        R("4.17.0", "11560248ffda", F(false, "4f17357b52f6"), F(false, "4f17357b52f6"), F(false, null), F(Sy, "c9a82940afb2"),
            F(false, "c9a82940afb2"), F(Xen417, "2b36ebd4a2ff"), F(false, "4f17357b52f6"), F("14517198aae3", "4f17357b52f6")),
        R("4.17.1", "0880df6f5f90", F(false, "4f17357b52f6"), F(false, "4f17357b52f6"), F(false, null), F(Sy, "c9a82940afb2"),
            F(false, "c9a82940afb2"), F(Xen417, "2b36ebd4a2ff"), F(false, "4f17357b52f6"), F("14517198aae3", "4f17357b52f6")),
        R("4.17.2", "322a20add00a", F(false, "4f17357b52f6"), F(false, "4f17357b52f6"), F(false, null), F(Sy, "c9a82940afb2"),
            F(false, "c9a82940afb2"), F(Xen417, "2b36ebd4a2ff"), F(false, "4f17357b52f6"), F("14517198aae3", "4f17357b52f6")),
        R("4.17.3", "949a4aad4176", F(false, "4f17357b52f6"), F(false, "4f17357b52f6"), F(false, null), F(Sy, "c9a82940afb2"),
            F(false, "c9a82940afb2"), F(Xen417, "2b36ebd4a2ff"), F(false, "4f17357b52f6"), F("14517198aae3", "4f17357b52f6")),
        R("4.17.4", "d530627aaa9b", F(false, "4f17357b52f6"), F(false, "4f17357b52f6"), F(false, null), F(Sy, "c9a82940afb2"),
            F(false, "c9a82940afb2"), F(Xen417, "2b36ebd4a2ff"), F(false, "4f17357b52f6"), F("14517198aae3", "4f17357b52f6")),
        R("4.17.5", "430ce6cd9365", F(false, "4f17357b52f6"), F(false, "4f17357b52f6"), F(false, null), F(Sy, "c9a82940afb2"),
            F(false, "c9a82940afb2"), F(Xen417, "2b36ebd4a2ff"), F(false, "4f17357b52f6"), F("14517198aae3", "4f17357b52f6")),
        R("4.17.6", "8c80ec836310", F(false, "4f17357b52f6"), F(false, "4f17357b52f6"), F(false, null), F(Sy, "c9a82940afb2"),
            F(false, "c9a82940afb2"), F(Xen417, "2b36ebd4a2ff"), F(false, "4f17357b52f6"), F("14517198aae3", "4f17357b52f6")),
        R("4.17.7", "9373a593c5a6", F(false, "4f17357b52f6"), F(false, "4f17357b52f6"), F(false, null), F(Nsh, "333c263bbad5"),
            F(false, "16f1d36545f8"), F(Xen417, "2b36ebd4a2ff"), F(false, "4f17357b52f6"), F("14517198aae3", "4f17357b52f6")),
        R("4.18.0", "d75f1e9b7431", F(false, "4f17357b52f6"), F(true, "feaa9aca87fd"), F(true, "c16460ff073b"), F(Nsh, "5e5d1a43e184"),
            F(true, "cbfaf6ccd2cb"), F(Xen418, "abb1522832bb"), F(false, "4f17357b52f6"), F("14517198aae3", "4f17357b52f6")),
        R("4.18.1", "ea82c8cdbfe5", F(false, "4f17357b52f6"), F(true, "feaa9aca87fd"), F(true, "c16460ff073b"), F(Nsh, "5e5d1a43e184"),
            F(true, "cbfaf6ccd2cb"), F(Xen418, "abb1522832bb"), F(false, "4f17357b52f6"), F("14517198aae3", "4f17357b52f6")),
        R("4.18.2", "d152a0424677", F(false, "4f17357b52f6"), F(true, "feaa9aca87fd"), F(true, "c16460ff073b"), F(Nsh, "5e5d1a43e184"),
            F(true, "cbfaf6ccd2cb"), F(Xen418, "abb1522832bb"), F(false, "4f17357b52f6"), F("14517198aae3", "4f17357b52f6")),
        R("4.18.3", "bd51e573a730", F(false, "4f17357b52f6"), F(true, "feaa9aca87fd"), F(true, "c16460ff073b"), F(Nsh, "5e5d1a43e184"),
            F(true, "cbfaf6ccd2cb"), F(Xen418, "abb1522832bb"), F(false, "4f17357b52f6"), F("14517198aae3", "4f17357b52f6")),
        R("4.18.4", "e77ff5473858", F(true, "87d2cdd51327"), F(true, "feaa9aca87fd"), F(true, "c16460ff073b"), F(Nsh, "5e5d1a43e184"),
            F(true, "cbfaf6ccd2cb"), F(Xen418, "abb1522832bb"), F(false, "4f17357b52f6"), F("14517198aae3", "4f17357b52f6")),
        R("4.18.5", "0b8f769d00bc", F(true, "87d2cdd51327"), F(true, "feaa9aca87fd"), F(true, "c16460ff073b"), F(Nsh, "5e5d1a43e184"),
            F(true, "cbfaf6ccd2cb"), F(Xen418, "abb1522832bb"), F(false, "4f17357b52f6"), F("14517198aae3", "4f17357b52f6")),
        R("4.18.6", "c9355898f3b8", F(true, "87d2cdd51327"), F(true, "feaa9aca87fd"), F(true, "c16460ff073b"), F(Nsh, "5e5d1a43e184"),
            F(false, "9fe35345a7e8"), F(Xen418, "abb1522832bb"), F(false, "4f17357b52f6"), F("14517198aae3", "4f17357b52f6")),
        R("4.19.0", "026c9fa29716", F(false, "4f17357b52f6"), F(true, "feaa9aca87fd"), F(true, "c16460ff073b"), F(Nsh, "5e5d1a43e184"),
            F(true, "cbfaf6ccd2cb"), F(Xen419, "6cd046c501bc"), F(true, "0441c3acc7e9"), F("6e3ba9298df4", "0441c3acc7e9")),
        R("4.19.1", "ccf400846780", F(true, "46a2ce35212c"), F(true, "feaa9aca87fd"), F(true, "c16460ff073b"), F(Nsh, "5e5d1a43e184"),
            F(true, "cbfaf6ccd2cb"), F(Xen419, "6cd046c501bc"), F(true, "0441c3acc7e9"), F("6e3ba9298df4", "0441c3acc7e9")),
        R("4.19.2", "f3362182e028", F(true, "46a2ce35212c"), F(true, "feaa9aca87fd"), F(true, "c16460ff073b"), F(Nsh, "5e5d1a43e184"),
            F(true, "cbfaf6ccd2cb"), F(Xen419, "6cd046c501bc"), F(true, "0441c3acc7e9"), F("6e3ba9298df4", "0441c3acc7e9")),
        R("4.19.3", "077419f04a31", F(true, "46a2ce35212c"), F(true, "feaa9aca87fd"), F(true, "c16460ff073b"), F(Nsh, "5e5d1a43e184"),
            F(true, "cbfaf6ccd2cb"), F(Xen419, "6cd046c501bc"), F(true, "0441c3acc7e9"), F("6e3ba9298df4", "0441c3acc7e9")),
        R("4.19.4", "ac1c1fb9e890", F(true, "46a2ce35212c"), F(true, "feaa9aca87fd"), F(true, "c16460ff073b"), F(Nsh, "5e5d1a43e184"),
            F(true, "cbfaf6ccd2cb"), F(Xen419, "6cd046c501bc"), F(true, "0441c3acc7e9"), F("6e3ba9298df4", "0441c3acc7e9")),
        R("4.19.5", "7a15cde90e8f", F(true, "46a2ce35212c"), F(true, "feaa9aca87fd"), F(true, "c16460ff073b"), F(Nsh, "5e5d1a43e184"),
            F(true, "cbfaf6ccd2cb"), F(Xen419, "6cd046c501bc"), F(true, "0441c3acc7e9"), F("6e3ba9298df4", "0441c3acc7e9")),
        R("4.19.6", "54ee7c511ae7", F(true, "46a2ce35212c"), F(true, "feaa9aca87fd"), F(true, "c16460ff073b"), F(Nsh, "5e5d1a43e184"),
            F(false, "54bb4e99724b"), F(Xen419, "6cd046c501bc"), F(true, "0441c3acc7e9"), F("6e3ba9298df4", "0441c3acc7e9")),
        R("4.20.0", "3ad5d648cda5", F(true, "fe3412ab83cc"), F(true, "feaa9aca87fd"), F(true, "c16460ff073b"), F(Nsh, "5e5d1a43e184"),
            F(true, "cbfaf6ccd2cb"), F(Xen419, "6cd046c501bc"), F(true, "0441c3acc7e9"), F("6e3ba9298df4", "0441c3acc7e9")),
        R("4.20.1", "08f043965a7b", F(true, "fe3412ab83cc"), F(true, "feaa9aca87fd"), F(true, "c16460ff073b"), F(Nsh, "5e5d1a43e184"),
            F(true, "cbfaf6ccd2cb"), F(Xen419, "6cd046c501bc"), F(true, "0441c3acc7e9"), F("6e3ba9298df4", "0441c3acc7e9")),
        R("4.20.2", "03299bb3ec81", F(true, "fe3412ab83cc"), F(true, "feaa9aca87fd"), F(true, "c16460ff073b"), F(Nsh, "5e5d1a43e184"),
            F(true, "cbfaf6ccd2cb"), F(Xen419, "6cd046c501bc"), F(true, "0441c3acc7e9"), F("6e3ba9298df4", "0441c3acc7e9")),
        R("4.20.3", "14274673cbb4", F(true, "fe3412ab83cc"), F(true, "feaa9aca87fd"), F(true, "c16460ff073b"), F(Nsh, "5e5d1a43e184"),
            F(true, "cbfaf6ccd2cb"), F(Xen419, "6cd046c501bc"), F(true, "0441c3acc7e9"), F("6e3ba9298df4", "0441c3acc7e9")),
        R("4.20.4", "9611e26eff42", F(true, "fe3412ab83cc"), F(true, "feaa9aca87fd"), F(true, "c16460ff073b"), F(Nsh, "5e5d1a43e184"),
            F(false, "c411e33d8c23"), F(Xen419, "6cd046c501bc"), F(true, "0441c3acc7e9"), F("6e3ba9298df4", "0441c3acc7e9")),
        R("4.21.0", "06af9ef22996", F(true, "fe3412ab83cc"), F(true, "feaa9aca87fd"), F(true, "c16460ff073b"), F(Nsh, "5e5d1a43e184"),
            F(true, "cbfaf6ccd2cb"), F(Xen419, "6cd046c501bc"), F(true, "0441c3acc7e9"), F("6e3ba9298df4", "0441c3acc7e9")),
        R("4.21.1", "f1a1e629d0cc", F(true, "fe3412ab83cc"), F(true, "feaa9aca87fd"), F(true, "c16460ff073b"), F(Nsh, "5e5d1a43e184"),
            F(true, "cbfaf6ccd2cb"), F(Xen419, "6cd046c501bc"), F(true, "0441c3acc7e9"), F("6e3ba9298df4", "0441c3acc7e9")),
        R("4.21.2", "78c2a59f9edb", F(true, "fe3412ab83cc"), F(true, "feaa9aca87fd"), F(true, "c16460ff073b"), F(Nsh, "5e5d1a43e184"),
            F(false, "bec5efc03ade"), F(Xen419, "6cd046c501bc"), F(true, "0441c3acc7e9"), F("6e3ba9298df4", "0441c3acc7e9")),
        R("4.22.0", "d45d5687f144", F(true, "fe3412ab83cc"), F(true, "feaa9aca87fd"), F(true, "c16460ff073b"), F(Nsh, "5e5d1a43e184"),
            F(false, "7c502d759151"), F(Xen419, "6cd046c501bc"), F(true, "0441c3acc7e9"), F("6e3ba9298df4", "0441c3acc7e9")),
        R("upstream", "c447b7308b13", F(true, "fe3412ab83cc"), F(true, "feaa9aca87fd"), F(true, "c16460ff073b"), F(Nsh, "5e5d1a43e184"),
            F(false, "7c502d759151"), F(Xen419, "6cd046c501bc"), F(true, "0441c3acc7e9"), F("6e3ba9298df4", "0441c3acc7e9"))
    ];

    /// <summary>The newest tagged release (the default profile).</summary>
    public static ArmRelease Newest => All.Last(r => r.Release != XenRelease.Upstream);

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

    private static ArmRelease R(string release, string commit, XenFact<bool> top, XenFact<bool> isbMap, XenFact<bool> isbPt,
        XenFact<ArmLocalFlush> flush, XenFact<bool> repeat, XenFact<ArmLayoutEra> layout, XenFact<bool> fixNames, XenFact<string> pmapC) =>
        new(release, commit, top, isbMap, isbPt, flush, repeat, layout, fixNames, pmapC);

    private static XenFact<T> F<T>(T value, string? commit) => new(value, commit);
}
