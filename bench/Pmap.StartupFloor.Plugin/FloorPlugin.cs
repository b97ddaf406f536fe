using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pmap.Port;

namespace Pmap.StartupFloor.Plugin;

/// <summary>The floor's plugin entry: registers one service through the contract, as a port registers its architecture.</summary>
public sealed class FloorPlugin : IArchitecturePlugin
{
    public int ContractVersion => PmapContract.Version;

    public void ConfigureServices(IServiceCollection services, IConfiguration configuration) =>
        services.AddSingleton<IProfile, FloorProfile>();
}

/// <summary>The one service: a name and a line, no work.</summary>
internal sealed class FloorProfile : IProfile
{
    public string Name => "floor";
    public string Summary => "the start-up floor's only service";
}
