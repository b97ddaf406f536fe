using Microsoft.Extensions.Configuration;
using Pmap.Core;
using Pmap.Core.Arch;


namespace Pmap.Hosting;

/// <summary>Explicit choices from the command line; null means "take configuration".</summary>
public sealed record ArchRequest(string? Architecture = null, string? Profile = null, int? NumFixPmap = null, bool? Debug = null)
{
    /// <summary>--xen-syms: the nm / System.map listing of the xen-syms being modelled.</summary>
    public string? SymbolsFile { get; init; }

    /// <summary>--xen-image: the Xen image being examined; with <see cref="SymbolsFile"/>, where the build's version is read.</summary>
    public string? XenImage { get; init; }

    /// <summary>Where the image is loaded when a real boot decides it (verify --xen-image); null: the configured XenLoadAddress.</summary>
    public PhysAddr? XenLoadAddress { get; init; }
}

/// <summary>
/// The architectures the plugins provided, and the one place that turns configuration plus command-line
/// choices into a configured <see cref="ArchModel"/>. Bad choices from the command line are usage errors;
/// bad values from configuration are configuration errors naming the key and its source.
/// </summary>
public sealed class ArchitectureRegistry(PluginCatalog catalog, PmapOptions options, IConfiguration configuration)
{
    public PluginCatalog Catalog { get; } = catalog;
    public PmapOptions Options { get; } = options;
    public IConfiguration Configuration { get; } = configuration;
    public IReadOnlyList<LoadedArchitecture> All => Catalog.Architectures;

    public IReadOnlyList<string> Names => All.Select(a => a.Architecture.Name).ToList();

    public LoadedArchitecture? TryFind(string name) =>
        All.FirstOrDefault(a => string.Equals(a.Architecture.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The architecture by name; an unknown name is a usage error listing the loaded ones.</summary>
    public LoadedArchitecture Find(string name) => TryFind(name) ?? throw Unknown(name);

    /// <summary>
    /// An architecture that is not loaded: a usage error when every plugin loaded (a misspelt name), a plugin error naming
    /// the failures when some did not (the one asked for may be among them) or when none loaded at all.
    /// </summary>
    private Exception Unknown(string name)
    {
        // The architecture itself was refused: its own reason, alone.
        if (Catalog.Failures.FirstOrDefault(f => string.Equals(f.Architecture, name, StringComparison.OrdinalIgnoreCase)) is { } refused)
            return new PluginFolderException($"plugin {refused.Path} was refused: {refused.Error}",
                $"architecture '{name}' was refused at load (the plugin line above says why)");
        if (All.Count == 0)
            return new PluginFolderException($"no architecture plugins loaded from {string.Join(", ", Catalog.Folders.Select(f => $"'{f.Path}'"))}"
                + Failed());
        if (Catalog.Failures.Count > 0)
            return new PluginFolderException($"architecture '{name}' is not loaded (loaded are {string.Join(", ", Names)})" + Failed());
        return new PmapUsageException($"unknown architecture '{name}'{Spelling.Hint(name, Names)}: loaded are {string.Join(", ", Names)}");
    }

    private string Failed() => Catalog.Failures.Count == 0 ? ""
        : $"; {Catalog.Failures.Count} plugin(s) failed, the first: {Catalog.Failures[0].Path}: {Catalog.Failures[0].Error}";

    /// <summary>The model <paramref name="request"/> asks for; <paramref name="warn"/> hears of a named profile the build disagrees with.</summary>
    public ArchModel Create(ArchRequest request, Action<string>? warn = null)
    {
        LoadedArchitecture loaded;
        if (request.Architecture is not null) loaded = Find(request.Architecture);
        else
        {
            loaded = TryFind(Options.Architecture) ?? throw (All.Count == 0 || Catalog.Failures.Count > 0
                ? Unknown(Options.Architecture)
                : PmapOptions.Invalid(Configuration, nameof(PmapOptions.Architecture), Options.Architecture,
                    $"one of the loaded architectures ({string.Join(", ", Names)})"));
        }
        return Create(loaded.Architecture, request, warn);
    }

    public ArchModel Create(IArchitecture arch, ArchRequest request, Action<string>? warn = null)
    {
        var section = Configuration.GetSection($"Architectures:{arch.Name}");
        var profile = Profile(arch, request, section, warn);
        Catalog.CheckProfile(arch, profile);

        var numFixPmap = request.NumFixPmap ?? Options.NumFixPmap;
        if (request.NumFixPmap is < 1 or > PmapOptions.MaxNumFixPmap)
            throw new PmapUsageException($"--num-fix-pmap {request.NumFixPmap} is out of range: expected 1 to {PmapOptions.MaxNumFixPmap}");
        var settings = new ArchSettings(profile, numFixPmap, request.Debug ?? Options.Debug, section)
        {
            SymbolsFile = request.SymbolsFile,
            XenLoadAddress = request.XenLoadAddress,
            ElfSymbolReader = ElfSymbols.Read, // the engine's reader: the contract carries no ELF library
        };

        ArchModel model;
        try
        {
            model = arch.Create(settings);
        }
        catch (PmapConfigurationException e) when (e.Key == nameof(PmapOptions.NumFixPmap))
        {
            // NUM_FIX_PMAP is a root key: name where this value came from, the command line being a usage error.
            if (request.NumFixPmap is not null) throw new PmapUsageException($"--num-fix-pmap {e.Reason}");
            throw e.At(e.Key, ConfigurationSources.Describe(Configuration, e.Key));
        }
        catch (PmapConfigurationException e)
            when (!e.Key.StartsWith("Architectures:", StringComparison.Ordinal) && !e.Key.StartsWith("--", StringComparison.Ordinal))
        {
            var key = $"Architectures:{arch.Name}:{e.Key}";
            throw e.At(key, ConfigurationSources.Describe(Configuration, key));
        }
        CheckFits(model, request.NumFixPmap is not null);
        return model;
    }

    /// <summary>
    /// --profile, else the configured Profile, else the release the build examined says it is (its image, else its symbols
    /// file), else the default. A named profile that models another release than the build's is kept, with a warning.
    /// </summary>
    private string Profile(IArchitecture arch, ArchRequest request, IConfigurationSection section, Action<string>? warn)
    {
        var build = request.XenImage ?? request.SymbolsFile ?? section["SymbolsFile"];
        var detected = build is null ? null : BuildProfile.Detect(arch, build);
        string? named;
        string origin;
        if (request.Profile is not null)
        {
            // xen- may be left out (4.19.1 is xen-4.19.1).
            named = arch.ResolveProfile(request.Profile) ?? throw new PmapUsageException(arch.UnknownProfile(request.Profile));
            origin = "--profile";
        }
        else if (section["Profile"] is { } configured)
        {
            named = arch.ResolveProfile(configured) ?? throw PmapOptions.Invalid(Configuration, $"Architectures:{arch.Name}:Profile", configured,
                $"a profile of {arch.Name} ({string.Join(", ", arch.ProfileNames())})");
            origin = $"Architectures:{arch.Name}:Profile";
        }
        else return detected?.Profile ?? arch.DefaultProfile;
        if (detected is not null && BuildProfile.ReleaseOf(arch, named) != detected.Profile)
            warn?.Invoke($"warning: {origin} {named} is not the build's release: {detected.Describe()}; going on with {named}");
        return named;
    }

    /// <summary>NumFixPmap must fit the fixmap and, for the v3 seed, its one-word bitmap (BUILD_BUG_ON).</summary>
    private void CheckFits(ArchModel model, bool fromCommandLine)
    {
        var n = model.Settings.NumFixPmap;
        string? problem = null;
        if (model.CommonCode.BitmapBits is int bits && n > bits)
            problem = "BUILD_BUG_ON(sizeof(inuse) * BITS_PER_BYTE < NUM_FIX_PMAP) fails: " +
                $"{model.CommonCode.Name}'s bitmap is one unsigned long ({bits} bits)";
        problem ??= model.Fixmap.Problem(model.Format);
        if (problem is null) return;
        var message = $"NUM_FIX_PMAP {n} does not fit {model.Name} profile {model.Profile}: {problem}";
        if (fromCommandLine) throw new PmapUsageException("--num-fix-pmap: " + message);
        const string key = nameof(PmapOptions.NumFixPmap);
        throw new PmapConfigurationException(key, message, ConfigurationSources.Describe(Configuration, key));
    }
}
