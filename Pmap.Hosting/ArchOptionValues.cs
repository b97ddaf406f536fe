using Microsoft.Extensions.Configuration;
using Pmap.Core;
using Pmap.Core.Arch;

namespace Pmap.Hosting;

/// <summary>
/// The options each loaded architecture declares, read against the configuration: a value a declaration does not accept stops
/// the program at start naming the key and its source (as a bad root key does); a key no declaration names is found for a warning.
/// </summary>
public static class ArchOptionValues
{
    /// <summary>The keys every architecture has besides its declared options: Profile, read by the host.</summary>
    public static IReadOnlyList<string> Keys(IArchitecture arch) => [ArchOptions.ProfileKey, .. arch.Options.Select(o => o.Key)];

    /// <summary>Throws <see cref="PmapConfigurationException"/> for the first configured value a loaded architecture's declaration refuses.</summary>
    public static void Check(IConfiguration configuration, IEnumerable<LoadedArchitecture> architectures)
    {
        foreach (var arch in architectures.Select(a => a.Architecture))
        {
            foreach (var option in arch.Options)
            {
                var key = $"Architectures:{arch.Name}:{option.Key}";
                var section = configuration.GetSection(key);
                if (section.GetChildren().FirstOrDefault() is { } child)
                    throw new PmapConfigurationException(key, "is an object or array: expected a single value",
                        ConfigurationSources.Describe(configuration, child.Path));
                if (section.Value is { } value && !option.Accepts(value))
                    throw PmapOptions.Invalid(configuration, key, value, option.Expected);
            }
        }
    }

    /// <summary>Every configured value under a loaded architecture's section that no declaration names: (full path, key below the section).</summary>
    public static IEnumerable<(string Path, string Key, IArchitecture Arch)> Undeclared(IConfiguration configuration,
        IEnumerable<LoadedArchitecture> architectures)
    {
        var byName = architectures.ToDictionary(a => a.Architecture.Name, a => a.Architecture, StringComparer.OrdinalIgnoreCase);
        foreach (var section in configuration.GetSection("Architectures").GetChildren())
        {
            if (!byName.TryGetValue(section.Key, out var arch)) continue;
            var keys = Keys(arch);
            foreach (var (key, value) in section.AsEnumerable(makePathsRelative: true))
            {
                if (value is null || key.Length == 0 || keys.Contains(key, StringComparer.OrdinalIgnoreCase)) continue;
                yield return ($"{section.Path}:{key}", key, arch);
            }
        }
    }
}
