using Microsoft.Extensions.DependencyInjection;
using Pmap.Core.Arch;

namespace Pmap.TestPlugin.Net8;

/// <summary>Architecture "net8": an entry type of the older contract, compiled for net8.0.</summary>
public sealed class Plugin : IArchitecturePlugin
{
    public int ContractVersion => PmapContract.Version;

    public void ConfigureServices(IServiceCollection services) { }
}
