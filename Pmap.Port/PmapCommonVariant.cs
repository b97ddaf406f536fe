namespace Pmap.Port;

/// <summary>Which revision of xen/common/pmap.c runs on top of the architecture.</summary>
public sealed record PmapCommonVariant(
    string Name,
    string BeginName,
    string EndName,
    bool AssertNotInIrq,
    int? BitmapBits,
    bool HasSourceLines)
{
    /// <summary>4.17.0 to 4.18.6 (blob 14517198aae3): DECLARE_BITMAP, ASSERT(!in_irq()), Arm's FIXMAP_PMAP_* spelling.</summary>
    public static PmapCommonVariant Release417 { get; } = new("xen-4.17", "FIXMAP_PMAP_BEGIN", "FIXMAP_PMAP_END", true, null, true);

    /// <summary>4.19.0 on (blob 6e3ba9298df4, 0441c3acc7): as 4.17 with the FIX_PMAP_* spelling.</summary>
    public static PmapCommonVariant Upstream { get; } = new("upstream", "FIX_PMAP_BEGIN", "FIX_PMAP_END", true, null, true);

    /// <summary>The v3 patch as posted: local_irq_save/restore, one unsigned long bitmap guarded by BUILD_BUG_ON.</summary>
    public static PmapCommonVariant SeedV3(int bitsPerLong) => new("seed-v3", "FIXMAP_PMAP_BEGIN", "FIXMAP_PMAP_END", false, bitsPerLong, false);

    /// <summary>The ASSERT on a slot's range as this revision of pmap.c writes it.</summary>
    public string SlotRangeCondition => $"slot >= {BeginName} && slot <= {EndName}";

    /// <summary>"common/pmap.c:NN" for revisions whose line numbers are known.</summary>
    public string? Site(int line) => HasSourceLines ? $"common/pmap.c:{line}" : null;
}
