namespace Pmap.Arch.Arm;

/// <summary>
/// Where Xen on Arm defines the functions the hooks model, read from Xen's tags (RELEASE-X.Y.Z): each a timeline of
/// "file:line" like a release fact.
/// </summary>
public static class ArmFunctions
{
    /// <summary>write_pte, flush_xen_tlb_range_va_local, arch_pmap_map and arch_pmap_unmap for <paramref name="port"/>.</summary>
    public static IReadOnlyList<FactTimeline<string>> Of(ArmPort port) =>
    [
        // write_pte moved from asm/arm{32,64}/page.h into asm/page.h in 4.18.0, and down the file in 4.18.1/4.19.0 and 4.21.0.
        new("write_pte", [new(port.WritePte417, null, "4.17.0"), new("arch/arm/include/asm/page.h:254", null, "4.18.0"),
            new("arch/arm/include/asm/page.h:275", null, "4.18.1", "4.19.0"), new("arch/arm/include/asm/page.h:283", null, "4.21.0")]),
        new("flush_xen_tlb_range_va_local", [new("arch/arm/include/asm/flushtlb.h:35", null, "4.17.0")]),
        new("arch_pmap_map", [new("arch/arm/include/asm/pmap.h:8", null, "4.17.0")]),
        new("arch_pmap_unmap", [new("arch/arm/include/asm/pmap.h:20", null, "4.17.0"), new("arch/arm/include/asm/pmap.h:25", null, "4.18.0")]),
    ];
}
