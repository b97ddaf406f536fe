using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pmap.Core.Arch;
using Pmap.TestArch;

namespace Pmap.TestPlugin.Duplicate;

/// <summary>Claims the name "fake" that Pmap.TestPlugin.Good already provides.</summary>
public sealed class Plugin : IArchitecturePlugin
{
    public int ContractVersion => PmapContract.Version;
    public void ConfigureServices(IServiceCollection services, IConfiguration configuration) =>
        services.AddSingleton<IArchitecture>(new FakeArchitecture("fake"));
}
