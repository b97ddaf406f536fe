using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pmap.Core.Arch;
using Pmap.TestArch;

namespace Pmap.TestPlugin.Broken;

/// <summary>An architecture whose directmap is one frame off: Xen is fine, the port is wrong, and boot's verification says so.</summary>
public sealed class Plugin : IArchitecturePlugin
{
    public int ContractVersion => PmapContract.Version;

    public void ConfigureServices(IServiceCollection services, IConfiguration configuration) =>
        services.AddSingleton<IArchitecture>(new FakeArchitecture("broken", directmapOffByOne: true));
}
