using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pmap.Core.Arch;


namespace Pmap.Hosting;

public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Registers Pmap's core services: validated <see cref="PmapOptions"/> and architecture options (bad values throw here, at start),
    /// the plugins loaded from plugins/ beside the binary (<paramref name="baseDirectory"/>), then the per-user folder,
    /// then PluginsPath (relative to <paramref name="baseDirectory"/>), each architecture
    /// as a keyed <see cref="IArchitecture"/>, and the <see cref="ArchitectureRegistry"/>.
    /// </summary>
    /// <param name="architecture">
    /// With <paramref name="oneArchitecture"/>, the one architecture the command runs on (null: the configured Architecture): only its
    /// plugin is loaded (<see cref="PluginCatalog.Load(IEnumerable{PluginFolder}, IConfiguration, string?, bool)"/>), unless the
    /// configuration has a section for another architecture, whose keys are then checked as before.
    /// </param>
    /// <param name="everyProfile">Every profile of each architecture is built at load (otherwise the default, and the others at first use).</param>
    public static IServiceCollection AddPmapHosting(this IServiceCollection services, IConfiguration configuration, string? baseDirectory = null,
        bool oneArchitecture = false, string? architecture = null, bool everyProfile = false)
    {
        var options = PmapOptions.Load(configuration);
        services.AddSingleton(configuration);
        services.AddSingleton(options);
        services.AddSingleton<IOptions<PmapOptions>>(Microsoft.Extensions.Options.Options.Create(options));

        var only = oneArchitecture ? architecture?.Trim() ?? options.Architecture : null;
        if (only is not null && configuration.GetSection("Architectures").GetChildren()
                .Any(s => !string.Equals(s.Key, only, StringComparison.OrdinalIgnoreCase)))
            only = null;
        var catalog = PluginCatalog.Load(PluginFolders(options, baseDirectory ?? AppContext.BaseDirectory), configuration, only, everyProfile);
        ArchOptionValues.Check(configuration, catalog.Architectures); // each port's options, validated at start as the root keys are
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

    /// <summary>Bundled, then per-user (both optional), then the configured folder (which must exist).</summary>
    public static IReadOnlyList<PluginFolder> PluginFolders(PmapOptions options, string baseDirectory)
    {
        var folders = new List<PluginFolder>
        {
            new(Path.Combine(baseDirectory, "plugins"), PluginSource.Bundled, Required: false),
            new(PmapHome.Plugins, PluginSource.User, Required: false),
        };
        if (options.PluginsPath is { } configured)
        {
            var path = Path.IsPathRooted(configured) ? configured : Path.Combine(baseDirectory, configured);
            folders.Add(new(path, PluginSource.Configured, Required: true));
        }
        return folders;
    }
}
