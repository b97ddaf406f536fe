using Pmap.Core;
using Pmap.Core.Arch;

namespace Pmap.Arch.X86;

/// <summary>An x86 revision of the PMAP series.</summary>
public sealed record X86Profile(string Name, string Summary) : IProfile;

/// <summary>
/// x86-64 with the PMAP series as posted on xen-devel (V4 2024-11-11, v5 2025-01-08 unchanged): not upstream.
/// Options (section Architectures:x86): Nx, Page1Gb, Xhci, MaxXhciPages, XenGuest, NumFixmapAcpiPages,
/// MaxIoApics, XenLoadAddress, with Xen's defaults.
/// </summary>
public sealed class X86Architecture() : Architecture<X86Profile>(ArchName,
    "x86-64: 4-level paging, 48-bit canonical VA, 52-bit PA, downward fixmap (the posted PMAP series)",
    [new(SeriesV5, "\"xen/x86: Add support for the PMAP\" V4/v5 as posted (not upstream)")])
{
    public const string ArchName = "x86";
    public const string SeriesV5 = "series-v5";

    protected override ArchModel Create(ArchSettings settings, X86Profile profile) => new X86Model(settings);
}

/// <summary>The plugin's entry type.</summary>
public sealed class X86Plugin() : ArchitecturePlugin<X86Architecture>(PmapContract.Version);
