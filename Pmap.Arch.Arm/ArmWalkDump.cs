using System.Globalization;

namespace Pmap.Arch.Arm;

/// <summary>
/// dump_hyp_walk and dump_pt_walk (4.17 arch/arm/mm.c; from 4.19 arch/arm/mmu/pt.c): "Walking Hypervisor VA 0x%"PRIvaddr
/// " on CPU%d via TTBR 0x%016"PRIx64, then "%s[0x%03x] = 0x..." per level with level_strs "0TH".."3RD". PRIvaddr is
/// PRIx64 (arm64) or PRIx32 (arm32): no padding on either port. The entry was printed with PRIpaddr ("016lx", arm32
/// "016llx": 16 digits on both) until 64c2191616 printed it with PRIx64 (unpadded).
/// </summary>
public static class ArmWalkDump
{
    public static FactTimeline<bool> PaddedEntry { get; } = new("dump_pt_walk entry format",
        [new(true, null, "4.17.0"), new(false, "64c21916167e", "4.18.0")]);

    private static readonly string[] LevelStrs = ["0TH", "1ST", "2ND", "3RD"];

    /// <summary>The dump of <paramref name="release"/> (4.17.7, upstream); every CPU walks the same tables, so CPU0.</summary>
    public static XenWalkDump Of(string release)
    {
        var padded = PaddedEntry.Of(release).Value;
        return new XenWalkDump("dump_hyp_walk (xen/arch/arm)",
            (va, ttbr) => string.Create(CultureInfo.InvariantCulture, $"Walking Hypervisor VA 0x{va.Value:x} on CPU0 via TTBR 0x{ttbr.Value:x16}"),
            (level, index, raw) => string.Create(CultureInfo.InvariantCulture,
                $"{LevelStrs[level]}[0x{index:x3}] = 0x{(padded ? raw.ToString("x16", CultureInfo.InvariantCulture) : raw.ToString("x", CultureInfo.InvariantCulture))}"));
    }
}
