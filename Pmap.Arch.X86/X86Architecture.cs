
namespace Pmap.Arch.X86;

/// <summary>An x86 revision of the PMAP series.</summary>
public sealed record X86Profile(string Name, string Summary) : IProfile;

/// <summary>
/// x86-64 with the PMAP series as posted on xen-devel (V4 2024-11-11, v5 2025-01-08 unchanged): not upstream.
/// Its options are <see cref="X86Options"/>.
/// </summary>
public sealed class X86Architecture() : Architecture<X86Profile>(ArchName,
    "x86-64: 4-level paging, 48-bit canonical VA, 52-bit PA, downward fixmap (the posted PMAP series)",
    [new(SeriesV5, "\"xen/x86: Add support for the PMAP\" V4/v5 as posted (not upstream)")])
{
    public const string ArchName = "x86";
    public const string SeriesV5 = "series-v5";

    public override IReadOnlyList<ArchOption> Options => X86Options.All;

    protected override ArchModel Create(ArchSettings settings, X86Profile profile) => new X86Model(settings);
}

/// <summary>The plugin's entry type.</summary>
public sealed class X86Plugin() : ArchitecturePlugin<X86Architecture>(PmapContract.Version);

/// <summary>What the x86 port reads under Architectures:x86: CPU features and the Kconfig choices that shape enum fixed_addresses.</summary>
public static class X86Options
{
    public static ArchOption Nx { get; } = ArchOption.Boolean("Nx", true, "the CPU has NX: PAGE_HYPERVISOR entries carry _PAGE_NX");
    public static ArchOption Page1Gb { get; } = ArchOption.Boolean("Page1Gb", true, "the CPU has 1 GiB pages: map_pages_to_xen may use L3 superpages");
    public static ArchOption Xhci { get; } = ArchOption.Boolean("Xhci", false, "CONFIG_XHCI: FIX_XHCI's pages precede FIX_PMAP");
    public static ArchOption MaxXhciPages { get; } = ArchOption.WholeNumber("MaxXhciPages", 256, 1, 4096, "MAX_XHCI_PAGES: the size of FIX_XHCI");
    public static ArchOption XenGuest { get; } = ArchOption.Boolean("XenGuest", false,
        "CONFIG_XEN_GUEST: FIX_PV_CONSOLE and FIX_XEN_SHARED_INFO precede FIX_PMAP");
    public static ArchOption NumFixmapAcpiPages { get; } = ArchOption.WholeNumber("NumFixmapAcpiPages", 64, 1, 4096, "NUM_FIXMAP_ACPI_PAGES: the size of FIX_ACPI");
    public static ArchOption MaxIoApics { get; } = ArchOption.WholeNumber("MaxIoApics", 128, 1, 4096, "MAX_IO_APICS: the size of FIX_IO_APIC_BASE");
    /// <summary>Xen is loaded 2 MiB aligned (a superpage of the boot mapping).</summary>
    public static ArchOption XenLoadAddress { get; } = ArchOptions.XenLoadAddress(0x200000, 2UL << 20);

    public static IReadOnlyList<ArchOption> All { get; } = [Nx, Page1Gb, Xhci, MaxXhciPages, XenGuest, NumFixmapAcpiPages, MaxIoApics, XenLoadAddress];
}
