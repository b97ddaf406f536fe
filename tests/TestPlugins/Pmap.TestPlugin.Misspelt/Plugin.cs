using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pmap.TestArch;

namespace Pmap.TestPlugin.Misspelt;

/// <summary>
/// Two ports with an instruction their vocabulary does not declare: "misspelt" names its unmap barrier "fense", refused at
/// load; "stray" executes another vocabulary's dmb in arch_pmap_map, refused at that first use.
/// </summary>
public sealed class Plugin() : TestArchPlugin(() => new FakeArchitecture("misspelt", unmapBarrier: "fense"))
{
    public override void ConfigureServices(IServiceCollection services, IConfiguration configuration)
    {
        base.ConfigureServices(services, configuration);
        services.AddSingleton<IArchitecture>(new FakeArchitecture("stray", strayMapBarrier: true));
    }
}
