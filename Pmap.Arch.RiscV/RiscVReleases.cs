
namespace Pmap.Arch.RiscV;

/// <summary>What one Xen release is on RISC-V: FIXMAP_BASE (Sv39) with the commit that put it there.</summary>
public sealed record RiscVRelease(string Release, string Commit, XenFact<ulong> FixmapBase);

/// <summary>
/// Every RISC-V release with PMAP (from 4.20.0, f89e1a1702) to the newest tag, and staging as upstream
/// (docs/XEN_FACTS.md §1). FIXADDR_TOP was right from the start (13684f539e), so only the layout differs.
/// </summary>
public static class RiscVReleases
{
    public static IReadOnlyList<RiscVRelease> All { get; } =
    [
        R("4.20.0", "3ad5d648cda5", F(0xFFFFFFFFC0A00000UL, "13684f539e2d")),
        R("4.20.1", "08f043965a7b", F(0xFFFFFFFFC0A00000UL, "13684f539e2d")),
        R("4.20.2", "03299bb3ec81", F(0xFFFFFFFFC0A00000UL, "13684f539e2d")),
        R("4.20.3", "14274673cbb4", F(0xFFFFFFFFC0A00000UL, "13684f539e2d")),
        R("4.20.4", "9611e26eff42", F(0xFFFFFFFFC0A00000UL, "13684f539e2d")),
        R("4.21.0", "06af9ef22996", F(0xFFFFFFFFC1800000UL, "16d69b2870ce")),
        R("4.21.1", "f1a1e629d0cc", F(0xFFFFFFFFC1800000UL, "16d69b2870ce")),
        R("4.21.2", "78c2a59f9edb", F(0xFFFFFFFFC1800000UL, "16d69b2870ce")),
        R("4.22.0", "d45d5687f144", F(0xFFFFFFFFC1800000UL, "16d69b2870ce")),
        R("upstream", "c447b7308b13", F(0xFFFFFFFFC1800000UL, "16d69b2870ce"))
    ];

    /// <summary>The newest tagged release (the default profile).</summary>
    public static RiscVRelease Newest => All.Last(r => r.Release != XenRelease.Upstream);

    /// <summary>FIXMAP_BASE = XEN_VIRT_START + XEN_VIRT_SIZE + GAP + BOOT_FDT_VIRT_SIZE + GAP: XEN_VIRT_SIZE 2 MiB, then 16 MiB.</summary>
    public static FactTimeline<ulong> FixmapBase { get; } = new("FIXMAP_BASE",
        [new(0xFFFFFFFFC0A00000UL, "13684f539e2d", "4.20.0"), new(0xFFFFFFFFC1800000UL, "16d69b2870ce", "4.21.0")]);

    private static RiscVRelease R(string release, string commit, XenFact<ulong> fixmapBase) => new(release, commit, fixmapBase);

    private static XenFact<T> F<T>(T value, string? commit) => new(value, commit);
}
