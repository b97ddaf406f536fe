using Microsoft.Extensions.Configuration;
using Pmap.Core;
using Pmap.Hosting;

namespace Pmap.Host;

/// <summary>The configuration keys pmap reads (docs/CLI.md section 5, and each port's declared options), and the ones it would silently ignore.</summary>
public static class ConfigurationKeys
{
    /// <summary>The root keys; "Home" is PMAP_HOME, which names the per-user folder and so arrives as a key too.</summary>
    public static readonly string[] Root =
    [
        nameof(PmapOptions.PluginsPath), nameof(PmapOptions.Architecture), nameof(PmapOptions.NumFixPmap), nameof(PmapOptions.Debug),
        nameof(PmapOptions.CapstoneLibrary), "Architectures",
    ];

    private const string PmapHomeKey = "Home";

    public static IReadOnlyList<string> Unknown(IConfiguration configuration, ArchitectureRegistry registry)
    {
        var warnings = new List<string>();
        foreach (var section in configuration.GetChildren())
        {
            if (Root.Contains(section.Key, StringComparer.OrdinalIgnoreCase) || section.Key.Equals(PmapHomeKey, StringComparison.OrdinalIgnoreCase))
                continue;
            warnings.Add($"unknown configuration key '{section.Path}' (from {Source(configuration, section)}) is ignored"
                + Spelling.Hint(section.Key, Root) + $"; known keys are {string.Join(", ", Root)}");
        }
        // A loaded architecture's key that its port does not declare: a misspelt option, warned about as a misspelt root key is.
        foreach (var (path, key, arch) in ArchOptionValues.Undeclared(configuration, registry.All))
        {
            var keys = ArchOptionValues.Keys(arch);
            warnings.Add($"unknown configuration key '{path}' (from {ConfigurationSources.Describe(configuration, path)}) is ignored"
                + Spelling.Hint(key, keys) + $"; {arch.Name}'s keys are {string.Join(", ", keys)}");
        }
        // An architecture the plugins do not provide: a misspelt name, unless a plugin failed (it may be that one's).
        if (registry.Catalog.Failures.Count > 0) return warnings;
        var names = registry.Names;
        foreach (var arch in configuration.GetSection("Architectures").GetChildren())
        {
            if (names.Contains(arch.Key, StringComparer.OrdinalIgnoreCase)) continue;
            warnings.Add($"configuration section '{arch.Path}' (from {Source(configuration, arch)}) names no loaded architecture"
                + Spelling.Hint(arch.Key, names) + $"; loaded are {string.Join(", ", names)}");
        }
        return warnings;
    }

    /// <summary>Where a section came from: the source of its first value.</summary>
    private static string Source(IConfiguration configuration, IConfigurationSection section)
    {
        var leaf = section.Value is not null ? section
            : section.AsEnumerable().Select(kv => configuration.GetSection(kv.Key)).FirstOrDefault(s => s.Value is not null);
        return leaf is null ? "configuration" : ConfigurationSources.Describe(configuration, leaf.Path);
    }
}
