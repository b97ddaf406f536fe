
namespace Pmap.Arch.RiscV;

/// <summary>What one Xen release is on RISC-V: FIXMAP_BASE (Sv39) with the commit that put it there.</summary>
public sealed record RiscVRelease(XenTag Tag, XenFact<ulong> FixmapBase)
{
    /// <summary>4.21.0, or upstream.</summary>
    public string Release => Tag.Release;

    /// <summary>The commit the release was read at.</summary>
    public string Commit => Tag.Commit;
}

/// <summary>
/// Every RISC-V release with PMAP (from 4.20.0, f89e1a1702) to the newest tag, and staging as upstream (docs/XEN_FACTS.md §1),
/// computed from the tag list and the timeline. FIXADDR_TOP was right from the start (13684f539e), so only the layout differs.
/// </summary>
public static class RiscVReleases
{
    /// <summary>The first release with PMAP on RISC-V.</summary>
    public const string First = "4.20.0";

    /// <summary>FIXMAP_BASE = XEN_VIRT_START + XEN_VIRT_SIZE + GAP + BOOT_FDT_VIRT_SIZE + GAP: XEN_VIRT_SIZE 2 MiB, then 16 MiB.</summary>
    public static FactTimeline<ulong> FixmapBase { get; } = new("FIXMAP_BASE",
        [new(0xFFFFFFFFC0A00000UL, "13684f539e2d", First), new(0xFFFFFFFFC1800000UL, "16d69b2870ce", "4.21.0")]);

    // After the timeline: static initialisers run in textual order.
    public static IReadOnlyList<RiscVRelease> All { get; } = [.. XenTags.Since(First).Select(t => new RiscVRelease(t, FixmapBase.Of(t.Release)))];
}
