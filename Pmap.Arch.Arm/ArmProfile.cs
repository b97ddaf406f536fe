using Pmap.Core.Arch;

namespace Pmap.Arch.Arm;

/// <summary>
/// What distinguishes the modelled Xen revisions on Arm (XEN_FACTS §2, §5): where the fixmap sits,
/// whether FIXADDR_TOP has the off-by-one, whether arch_pmap_map ends with an ISB, the barriers of
/// flush_xen_tlb_range_va_local, and which pmap.c runs on top.
/// </summary>
public sealed record ArmProfile(
    string Name,
    string Summary,
    ulong FixmapBase,
    ulong XenVirtStart,
    int XenmapPages,
    bool FixaddrTopOffByOne,
    bool IsbAfterPmapWrite,
    bool IsbAfterPtUpdate,
    string FlushBarrierBefore,
    string FlushBarrierAfter,
    PmapCommonVariant CommonCode,
    bool FixNames)
{
    /// <summary>Enum spelling of the revision: FIXMAP_* before 0441c3acc7 (4.19), FIX_* after.</summary>
    public string SlotName(string suffix) => (FixNames ? "FIX_" : "FIXMAP_") + suffix;
}
