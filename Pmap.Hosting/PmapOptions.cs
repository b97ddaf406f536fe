using System.Globalization;
using Microsoft.Extensions.Configuration;
using Pmap.Core;

namespace Pmap.Hosting;

/// <summary>The root configuration keys of docs/CLI.md (appsettings.json, PMAP_ environment variables, options).</summary>
public sealed class PmapOptions
{
    public const int DefaultNumFixPmap = 8; // xen/include/xen/pmap.h
    public const int MaxNumFixPmap = 4096;

    /// <summary>
    /// A further folder of plugins/&lt;Name&gt;/&lt;Name&gt;.dll, searched after the bundled and per-user ones;
    /// relative to the binary's folder.
    /// </summary>
    public string? PluginsPath { get; set; }
    public string Architecture { get; set; } = "arm64";
    public int NumFixPmap { get; set; } = DefaultNumFixPmap;
    /// <summary>A debug build of Xen: ASSERTs are evaluated.</summary>
    public bool Debug { get; set; } = true;
    /// <summary>The Capstone library `hazards --xen-syms` decodes with (a file or a name); null: Debian's libcapstone.so.4.</summary>
    public string? CapstoneLibrary { get; set; }

    /// <summary>Reads and validates the root keys; a bad value throws naming the key, its source and what is allowed.</summary>
    public static PmapOptions Load(IConfiguration configuration)
    {
        var o = new PmapOptions();
        if (Read(configuration, nameof(PluginsPath)) is { } plugins)
        {
            if (string.IsNullOrWhiteSpace(plugins)) throw Invalid(configuration, nameof(PluginsPath), plugins, "a folder path");
            o.PluginsPath = plugins;
        }
        if (Read(configuration, nameof(Architecture)) is { } arch)
        {
            if (string.IsNullOrWhiteSpace(arch)) throw Invalid(configuration, nameof(Architecture), arch, "an architecture name such as arm64");
            o.Architecture = arch.Trim().ToLowerInvariant();
        }
        if (Read(configuration, nameof(NumFixPmap)) is { } num)
        {
            // 0x hex or decimal, as every number.
            if (!Hex.TryParseNumber(num, out var n) || n < 1 || n > MaxNumFixPmap)
                throw Invalid(configuration, nameof(NumFixPmap), num,
                    $"a whole number from 1 to {MaxNumFixPmap} (and no more than the fixmap can hold)");
            o.NumFixPmap = (int)n;
        }
        if (Read(configuration, nameof(Debug)) is { } debug)
        {
            if (!bool.TryParse(debug, out var d)) throw Invalid(configuration, nameof(Debug), debug, "true or false");
            o.Debug = d;
        }
        if (Read(configuration, nameof(CapstoneLibrary)) is { } capstone)
        {
            if (string.IsNullOrWhiteSpace(capstone)) throw Invalid(configuration, nameof(CapstoneLibrary), capstone, "a library file or name such as libcapstone.so.4");
            o.CapstoneLibrary = capstone;
        }
        return o;
    }

    /// <summary>A root key's value; an object or array where a value belongs is refused, not ignored.</summary>
    private static string? Read(IConfiguration c, string key)
    {
        var section = c.GetSection(key);
        if (section.GetChildren().Any())
            throw new PmapConfigurationException(key, "is an object or array: expected a single value",
                ConfigurationSources.Describe(c, section.GetChildren().First().Path));
        return section.Value;
    }

    public static PmapConfigurationException Invalid(IConfiguration c, string key, string value, string allowed) =>
        new(key, $"is not valid: expected {allowed}", ConfigurationSources.Describe(c, key), value);
}

/// <summary>Says which provider a configuration value came from, for error messages and `pmap config`.</summary>
public static class ConfigurationSources
{
    public static string Describe(IConfiguration configuration, string key)
    {
        if (configuration is not IConfigurationRoot root) return "configuration";
        foreach (var provider in root.Providers.Reverse())
        {
            if (!provider.TryGet(key, out _)) continue;
            var type = provider.GetType().Name;
            if (type.StartsWith("EnvironmentVariables", StringComparison.Ordinal))
                return "environment variable PMAP_" + key.Replace(":", "__", StringComparison.Ordinal).ToUpperInvariant();
            if (type.StartsWith("Memory", StringComparison.Ordinal)) return "command line";
            // A file beside the binary by its name; any other (the per-user file, --config) by its full path.
            if (provider is FileConfigurationProvider file && file.Source.FileProvider?.GetFileInfo(file.Source.Path ?? "").PhysicalPath is { } full
                && Path.GetDirectoryName(full) is { } dir && Path.GetFullPath(dir) != Path.GetFullPath(AppContext.BaseDirectory))
                return $"file '{full}'";
            return provider.ToString() is { } s && s.Contains('\'') ? "file " + s[s.IndexOf('\'')..(s.LastIndexOf('\'') + 1)] : type;
        }
        return "default";
    }
}
