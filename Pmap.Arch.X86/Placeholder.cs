using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pmap.Core.Arch;

namespace Pmap.Arch.X86;

// Placeholder until the architecture lands.
public sealed class X86Plugin : IArchitecturePlugin
{
    public int ContractVersion => PmapContract.Version;
    public void ConfigureServices(IServiceCollection services, IConfiguration configuration) { }
}
