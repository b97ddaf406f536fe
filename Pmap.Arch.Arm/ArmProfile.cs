using Pmap.Core.Arch;
using Pmap.Core.Machine;

namespace Pmap.Arch.Arm;

/// <summary>Where an Arm port's Xen puts its image and fixmap in one revision (asm/config.h).</summary>
public sealed record ArmLayout(ulong FixmapBase, ulong XenVirtStart, int XenmapPages, string Since);

/// <summary>
/// What distinguishes the modelled Xen revisions on Arm (docs/XEN_FACTS.md): where the fixmap sits, whether
/// FIXADDR_TOP has the off-by-one, whether arch_pmap_map ends with an ISB, the barriers of
/// flush_xen_tlb_range_va_local, and which pmap.c runs on top.
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
    bool FixNames) : IProfile
{
    public ulong FixmapBase => Layout.FixmapBase;
    public ulong XenVirtStart => Layout.XenVirtStart;
    public int XenmapPages => Layout.XenmapPages;

    /// <summary>Enum spelling of the revision: FIXMAP_* before 0441c3acc7 (4.19), FIX_* after.</summary>
    public string SlotName(string suffix) => (FixNames ? "FIX_" : "FIXMAP_") + suffix;
}

/// <summary>The Arm revisions, declared once for both ports: they differ only in layout and the width of an unsigned long.</summary>
public static class ArmProfiles
{
    /// <summary>xen-4.17 (the default), seed-v3 and upstream for a port with these layouts and BITS_PER_LONG.</summary>
    public static IReadOnlyList<ArmProfile> For(ArmLayout release417, ArmLayout upstream, int bitsPerLong)
    {
        // RELEASE-4.17.0 as shipped through 4.17.7: FIXADDR_TOP off by one, no isb in arch_pmap_map.
        var xen417 = new ArmProfile("xen-4.17", "RELEASE-4.17.0 (unchanged through 4.17.7)", release417,
            FixaddrTopOffByOne: true, IsbAfterPmapWrite: false, IsbAfterPtUpdate: false, FlushBarrierBefore: "dsb sy", FlushBarrierAfter: "dsb sy",
            PmapCommonVariant.Release417, FixNames: false);
        // The v3 patch as posted (Feb 2022): 4.17's Arm side under v3's pmap.c, whose bitmap is one unsigned long.
        var seedV3 = xen417 with
        {
            Name = "seed-v3",
            Summary = $"[PATCH v3 14/19] as posted: local_irq_save, one {bitsPerLong}-bit unsigned long bitmap",
            CommonCode = PmapCommonVariant.SeedV3(bitsPerLong),
        };
        // Today's Xen: both fixes (fe3412ab83, feaa9aca87), nsh barriers in the local flush.
        var head = new ArmProfile("upstream", $"Xen HEAD ({upstream.Since} layout, fe3412ab83 and feaa9aca87 applied)", upstream,
            FixaddrTopOffByOne: false, IsbAfterPmapWrite: true, IsbAfterPtUpdate: true, FlushBarrierBefore: "dsb nshst", FlushBarrierAfter: "dsb nsh",
            PmapCommonVariant.Upstream, FixNames: true);
        return [xen417, seedV3, head];
    }
}
