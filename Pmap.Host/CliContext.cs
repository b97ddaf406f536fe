using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pmap.Core;
using Pmap.Hosting;

namespace Pmap.Host;

/// <summary>Options every command takes (docs/CLI.md, global options).</summary>
public sealed record GlobalOptions(string? Arch, string? Profile, string? Plugins, string? ConfigFile, bool Json, int? NumFixPmap, bool Release)
{
    /// <summary>--color auto|always|never (docs/CLI.md, global options).</summary>
    public string Color { get; init; } = "auto";

    public ArchRequest Request(string? arch = null) => new(arch ?? Arch, Profile, NumFixPmap, Release ? false : null);
}

/// <summary>
/// Configuration (appsettings.json beside the binary, then the per-user PMAP_HOME/appsettings.json, then --config FILE,
/// then PMAP_ environment variables, then the command line) and the service provider over Core and every plugin.
/// </summary>
public sealed class CliContext
{
    private CliContext(IConfigurationRoot configuration, ServiceProvider services, GlobalOptions global)
    {
        Configuration = configuration;
        Services = services;
        Global = global;
        Registry = services.GetRequiredService<ArchitectureRegistry>();
    }

    public IConfigurationRoot Configuration { get; }
    public ServiceProvider Services { get; }
    public GlobalOptions Global { get; }
    public ArchitectureRegistry Registry { get; }

    public static string BaseDirectory => AppContext.BaseDirectory;

    /// <summary>
    /// The configuration; with <paramref name="commandLine"/> (pmap config) the options that act as keys (--arch, --profile,
    /// --num-fix-pmap, --xen-release-build) are layered on last, so that they show with source "command line".
    /// </summary>
    public static IConfigurationRoot BuildConfiguration(GlobalOptions global, bool commandLine = false)
    {
        var builder = new ConfigurationBuilder()
            .SetBasePath(BaseDirectory)
            .AddJsonFile(Settings(Path.Combine(BaseDirectory, "appsettings.json")), optional: true, reloadOnChange: false)
            .AddJsonFile(Settings(PmapHome.Settings), optional: true, reloadOnChange: false);
        if (global.ConfigFile is not null)
        {
            builder.AddJsonFile(ConfigFile(global.ConfigFile), optional: false, reloadOnChange: false);
        }
        builder.AddEnvironmentVariables("PMAP_");
        var overrides = new Dictionary<string, string?>();
        if (global.Plugins is not null) overrides["PluginsPath"] = Path.GetFullPath(global.Plugins);
        if (commandLine) CommandLineKeys(global, overrides, () => Build(builder)["Architecture"]);
        if (overrides.Count > 0) builder.AddInMemoryCollection(overrides);
        return Build(builder);
    }

    private static void CommandLineKeys(GlobalOptions global, Dictionary<string, string?> keys, Func<string?> configuredArch)
    {
        var single = global.Arch is { } a && !a.Contains(',', StringComparison.Ordinal) ? a.Trim() : null;
        if (single is not null) keys["Architecture"] = single;
        if (global.NumFixPmap is { } n) keys["NumFixPmap"] = n.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (global.Release) keys["Debug"] = "false";
        if (Commands.ModelSelection.Pairs(global.Profile) is { } pairs)
            foreach (var (arch, profile) in pairs) // of two pairs for one architecture, the last is what config shows
                keys[$"Architectures:{arch.ToLowerInvariant()}:Profile"] = profile;
        else if (global.Profile is { } p)
            keys[$"Architectures:{(single ?? configuredArch() ?? "arm64").ToLowerInvariant()}:Profile"] = p;
    }

    private static IConfigurationRoot Build(IConfigurationBuilder builder)
    {
        try
        {
            return builder.Build();
        }
        catch (InvalidDataException e)
        {
            throw new PmapConfigurationException("configuration", $"a configuration file is not valid JSON: {e.Message}");
        }
        catch (FormatException e)
        {
            throw new PmapConfigurationException("configuration", $"a configuration file is not valid JSON: {e.Message}");
        }
    }

    /// <summary>The --config path, checked: not empty, not a directory, and readable at once (a FIFO with no writer would hang).</summary>
    private static string ConfigFile(string text)
    {
        if (string.IsNullOrWhiteSpace(text)) throw new PmapUsageException("--config needs a file path");
        var path = Path.GetFullPath(text);
        if (Directory.Exists(path)) throw new PmapUsageException($"--config: '{path}' is a directory, not a JSON file");
        if (!File.Exists(path)) throw new PmapUsageException($"--config: file '{path}' does not exist");
        try
        {
            InputFile.Check(path, InputFile.ConfigurationLimit);
        }
        catch (InputFileException e)
        {
            throw new PmapUsageException("--config " + e.Message);
        }
        return path;
    }

    /// <summary>An optional settings file, checked when present: a FIFO or a link to /dev/zero is a configuration error, not a hang.</summary>
    private static string Settings(string path)
    {
        if (FileStat.Of(path).Kind == FileKind.Missing) return path;
        try
        {
            InputFile.Check(path, InputFile.ConfigurationLimit);
        }
        catch (InputFileException e)
        {
            throw new PmapConfigurationException("configuration", e.Message);
        }
        return path;
    }

    /// <summary>Keys the configuration has that nothing reads (a typo, or an option of a plugin not loaded), one line each.</summary>
    public IReadOnlyList<string> Warnings => ConfigurationKeys.Unknown(Configuration, Registry);

    /// <param name="oneArchitecture">The command runs on one architecture (--arch, else the configured one): only its plugin need load.</param>
    /// <param name="everyProfile">Every profile is built at load, not only each default (arch list --check, conformance).</param>
    public static CliContext Create(GlobalOptions global, bool commandLine = false, bool oneArchitecture = false, bool everyProfile = false)
    {
        var configuration = BuildConfiguration(global, commandLine);
        var services = new ServiceCollection();
        var single = global.Arch is { } a && !a.Contains(',', StringComparison.Ordinal) ? a : null;
        services.AddPmapHosting(configuration, BaseDirectory, oneArchitecture && (global.Arch is null || single is not null), single,
            everyProfile);
        return new CliContext(configuration, services.BuildServiceProvider(), global);
    }
}
