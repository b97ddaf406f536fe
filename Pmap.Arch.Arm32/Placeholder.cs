using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pmap.Core.Arch;

namespace Pmap.Arch.Arm32;

// Placeholder until the architecture lands.
public sealed class Arm32Plugin : IArchitecturePlugin
{
    public int ContractVersion => PmapContract.Version;
    public void ConfigureServices(IServiceCollection services, IConfiguration configuration) { }
}
