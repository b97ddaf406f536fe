using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pmap.Core.Arch;
using Pmap.TestArch;

namespace Pmap.TestPlugin.OldContract;

public sealed class Plugin : IArchitecturePlugin
{
    public int ContractVersion => 0;
    public void ConfigureServices(IServiceCollection services, IConfiguration configuration) =>
        services.AddSingleton<IArchitecture>(new FakeArchitecture("old"));
}
