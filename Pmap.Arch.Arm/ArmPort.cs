namespace Pmap.Arch.Arm;

/// <summary>
/// What one Arm port states: its name, format and codec, the write_pte store and the local TLB invalidate, the
/// RAM of a plain QEMU virt machine, Xen's default load address, the static tables from the root down, and
/// the image of a real build of a release (or of its branch) when one was examined.
/// </summary>
/// <param name="TlbiRegShift">What the TLBI register holds: VA &gt;&gt; 12 for tlbi vae2[is] (arm64), the VA itself for TLBIMVAH[IS].</param>
public sealed record ArmPort(string Name, PageTableFormat Format, LpaeCodec Codec, ArmInstructions Isa,
    int TlbiRegShift, RamBank DefaultRam, PhysAddr DefaultXenLoadAddress, IReadOnlyList<string> RootChain,
    Func<string, ArmImageLayout?>? DefaultImage = null)
{
    /// <summary>One line for `pmap arch list`.</summary>
    public required string Description { get; init; }

    /// <summary>Where Xen and its fixmap sit in each layout era.</summary>
    public required IReadOnlyDictionary<ArmLayoutEra, ArmLayout> Layouts { get; init; }

    /// <summary>BITS_PER_LONG: the width of the v3 seed's one-word bitmap.</summary>
    public required int BitsPerLong { get; init; }

    /// <summary>Where 4.17's write_pte is (the port's own asm/armNN/page.h), before 4.18.0 moved it into asm/page.h.</summary>
    public required string WritePte417 { get; init; }

    /// <summary>The root chain's tables, then xen_fixmap and the xen_xenmap page(s), in image order.</summary>
    public (string Name, int Pages)[] StaticTables(int xenmapPages) =>
        [.. RootChain.Select(n => (n, 1)), ("xen_fixmap", 1), ("xen_xenmap", xenmapPages)];
}
