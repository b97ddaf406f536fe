using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pmap.Core;
using Pmap.Core.Arch;

namespace Pmap.Arch.RiscV;

/// <summary>
/// RISC-V Sv39 as upstream Xen does it (XEN_FACTS §4). Options (Architectures:riscv): Svvptc (false),
/// AdBehaviour (hardware | svade), MapSfence (true), XenLoadAddress.
/// </summary>
public sealed class RiscVArchitecture : IArchitecture
{
    public const string ArchName = "riscv";

    // FIXMAP_BASE = XEN_VIRT_START + XEN_VIRT_SIZE + GAP + BOOT_FDT_VIRT_SIZE + GAP (asm/config.h).
    private static readonly Dictionary<string, ulong> FixmapBase = new()
    {
        ["upstream"] = 0xFFFFFFFFC1800000, // XEN_VIRT_SIZE 16 MiB (4.21+)
        ["xen-4.20"] = 0xFFFFFFFFC0A00000, // XEN_VIRT_SIZE 2 MiB
    };

    public string Name => ArchName;
    public string Description => "RISC-V Sv39: 3 levels, 39-bit canonical VA, 56-bit PA, sfence.vma after map and unmap";
    public IReadOnlyList<string> Profiles => [.. FixmapBase.Keys];
    public string DefaultProfile => "upstream";

    public ArchModel Create(ArchSettings settings) => FixmapBase.TryGetValue(settings.Profile, out var fixmapBase)
        ? new RiscVModel(settings, fixmapBase)
        : throw new PmapConfigurationException("Profile", $"'{settings.Profile}' is not a profile of riscv ({string.Join(", ", Profiles)})");
}

/// <summary>The plugin's entry type.</summary>
public sealed class RiscVPlugin : IArchitecturePlugin
{
    public int ContractVersion => PmapContract.Version;

    public void ConfigureServices(IServiceCollection services, IConfiguration configuration) =>
        services.AddSingleton<IArchitecture, RiscVArchitecture>();
}
