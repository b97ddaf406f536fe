using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pmap.Core.Arch;


namespace Pmap.Hosting;

public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Registers Pmap's core services: validated <see cref="PmapOptions"/> (bad values throw here, at start),
    /// the plugins loaded from PluginsPath (relative to <paramref name="baseDirectory"/>), each architecture
    /// as a keyed <see cref="IArchitecture"/>, and the <see cref="ArchitectureRegistry"/>.
    /// </summary>
    public static IServiceCollection AddPmapHosting(this IServiceCollection services, IConfiguration configuration, string? baseDirectory = null)
    {
        var options = PmapOptions.Load(configuration);
        services.AddSingleton(configuration);
        services.AddSingleton(options);
        services.AddSingleton<IOptions<PmapOptions>>(Microsoft.Extensions.Options.Options.Create(options));

        var folder = Path.IsPathRooted(options.PluginsPath)
            ? options.PluginsPath
            : Path.Combine(baseDirectory ?? AppContext.BaseDirectory, options.PluginsPath);
        var catalog = PluginCatalog.Load(folder, configuration);
        services.AddSingleton(catalog);
        foreach (var loaded in catalog.Architectures)
        {
            services.AddKeyedSingleton(loaded.Architecture.Name, loaded.Architecture);
            services.AddSingleton(loaded.Architecture);
        }
        foreach (var d in catalog.OtherServices) services.Add(d);
        services.AddSingleton<ArchitectureRegistry>();
        return services;
    }
}
