using Microsoft.Extensions.DependencyInjection;

namespace Pmap.Core.Arch;

/// <summary>The contract's version in this older build.</summary>
public static class PmapContract
{
    /// <summary>Older than the host's.</summary>
    public const int Version = 1;
}

/// <summary>An entry type of the older shape: ConfigureServices without the configuration.</summary>
public interface IArchitecturePlugin
{
    /// <summary>The version the plugin was compiled against.</summary>
    int ContractVersion { get; }

    /// <summary>Registers the plugin's architectures.</summary>
    void ConfigureServices(IServiceCollection services);
}
