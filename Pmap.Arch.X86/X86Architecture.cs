using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pmap.Core;
using Pmap.Core.Arch;

namespace Pmap.Arch.X86;

/// <summary>
/// x86-64 with the PMAP series as posted on xen-devel (V4 2024-11-11, v5 2025-01-08 unchanged): not upstream.
/// Options (section Architectures:x86): Nx, Page1Gb, Xhci, MaxXhciPages, XenGuest, NumFixmapAcpiPages,
/// MaxIoApics, XenLoadAddress, with Xen's defaults.
/// </summary>
public sealed class X86Architecture : IArchitecture
{
    public const string ArchName = "x86";
    public const string SeriesV5 = "series-v5";

    public string Name => ArchName;
    public string Description => "x86-64: 4-level paging, 48-bit canonical VA, 52-bit PA, downward fixmap (the posted PMAP series)";
    public IReadOnlyList<string> Profiles => [SeriesV5];
    public string DefaultProfile => SeriesV5;

    public ArchModel Create(ArchSettings settings) => settings.Profile == SeriesV5
        ? new X86Model(settings)
        : throw new PmapConfigurationException("Profile", $"'{settings.Profile}' is not a profile of x86 ({SeriesV5})");
}

/// <summary>The plugin's entry type.</summary>
public sealed class X86Plugin : IArchitecturePlugin
{
    public int ContractVersion => PmapContract.Version;

    public void ConfigureServices(IServiceCollection services, IConfiguration configuration) =>
        services.AddSingleton<IArchitecture, X86Architecture>();
}
