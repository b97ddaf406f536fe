using System.Reflection;
using McMaster.NETCore.Plugins;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pmap.Core;
using Pmap.Core.Arch;

namespace Pmap.Hosting;

/// <summary>Where a plugins folder comes from, in the order they are searched.</summary>
public enum PluginSource
{
    /// <summary>plugins/ beside the binary: the plugins the tool ships with.</summary>
    Bundled,
    /// <summary>The per-user folder (PMAP_HOME/plugins, default ~/.pmap/plugins).</summary>
    User,
    /// <summary>PluginsPath: --plugins, PMAP_PLUGINSPATH or a configuration file.</summary>
    Configured,
}

/// <summary>One folder of plugins/&lt;Name&gt;/&lt;Name&gt;.dll; an optional one that does not exist is skipped.</summary>
public sealed record PluginFolder(string Path, PluginSource Source, bool Required);

/// <summary>A plugin assembly that loaded.</summary>
public sealed record PluginInfo(string Name, string Version, string Path, PluginSource Source = PluginSource.Configured);

/// <summary>An architecture and the plugin that provides it.</summary>
public sealed record LoadedArchitecture(IArchitecture Architecture, PluginInfo Plugin);

/// <summary>A plugin (or one architecture of it, then named) that was refused, with the reason.</summary>
public sealed record PluginFailure(string Path, string Error, string? Architecture = null);

/// <summary>The plugins folder cannot be used at all (missing, unreadable), or the architecture asked for was refused.</summary>
public sealed class PluginFolderException(string message, string? alreadyReported = null) : Exception(message)
{
    /// <summary>The stderr line when the reason is already on stderr (the plugin failure line): says so instead of repeating it.</summary>
    public string? AlreadyReported { get; } = alreadyReported;
}

/// <summary>
/// Loads every <c>plugins/&lt;Name&gt;/&lt;Name&gt;.dll</c> of each folder in turn (the first to provide an architecture wins)
/// with McMaster.NETCore.Plugins, one load context each, sharing the contract (Pmap.Core) and the Microsoft.Extensions
/// abstractions with the host. Every plugin is validated; a bad one is reported with its path and reason and never stops the
/// others.
/// </summary>
public sealed partial class PluginCatalog
{
    private readonly List<LoadedArchitecture> _architectures = [];
    private readonly List<PluginFailure> _failures = [];
    private readonly List<ServiceDescriptor> _services = [];
    private readonly bool _everyProfile;

    private PluginCatalog(IReadOnlyList<PluginFolder> folders, bool everyProfile)
    {
        Folders = folders;
        _everyProfile = everyProfile;
    }

    /// <summary>The folders searched, in order (those that exist).</summary>
    public IReadOnlyList<PluginFolder> Folders { get; }

    /// <summary>The last folder searched: the configured one when there is one.</summary>
    public string Folder => Folders.Count > 0 ? Folders[^1].Path : "";
    public IReadOnlyList<LoadedArchitecture> Architectures => _architectures;
    public IReadOnlyList<PluginFailure> Failures => _failures;

    /// <summary>Only the plugin of the one architecture asked for was loaded: the others, and their failures, were not looked at.</summary>
    public bool Partial { get; private init; }

    /// <summary>Services the plugins registered besides their architectures.</summary>
    public IReadOnlyList<ServiceDescriptor> OtherServices => _services;

    /// <summary>Loads every plugin under <paramref name="folder"/> (an absolute path, which must exist).</summary>
    public static PluginCatalog Load(string folder, IConfiguration configuration, bool everyProfile = false) =>
        Load([new PluginFolder(folder, PluginSource.Configured, Required: true)], configuration, everyProfile: everyProfile);

    /// <summary>
    /// Loads the folders in order; a duplicate architecture is refused naming the plugin that provides it. With <paramref name="only"/>,
    /// the first plugin folder named after that architecture (Pmap.Arch.X86 for x86) alone, when it loads cleanly and provides it
    /// (<see cref="Partial"/>): a command on one architecture does not pay for the others. Otherwise, every plugin, that one
    /// loaded once all the same. Each architecture's default profile is checked at load; with <paramref name="everyProfile"/>
    /// every profile, otherwise each of the others at its first use (<see cref="CheckProfile"/>).
    /// </summary>
    public static PluginCatalog Load(IEnumerable<PluginFolder> folders, IConfiguration configuration, string? only = null,
        bool everyProfile = false)
    {
        var searched = new List<PluginFolder>();
        var linkFailures = new List<PluginFailure>();
        var plugins = new List<PluginDirectory>();
        foreach (var f in folders)
        {
            var full = Path.GetFullPath(f.Path);
            if (searched.Any(s => s.Path == full)) continue;
            if (!Directory.Exists(full))
            {
                if (f.Required)
                    throw new PluginFolderException($"plugins folder '{full}' does not exist (set --plugins, PluginsPath or PMAP_PLUGINSPATH)");
                continue;
            }
            FileSystemInfo[] entries;
            try
            {
                entries = new DirectoryInfo(full).GetFileSystemInfos();
            }
            catch (UnauthorizedAccessException)
            {
                throw new PluginFolderException($"plugins folder '{full}' cannot be read: permission denied");
            }
            catch (IOException e)
            {
                throw new PluginFolderException($"plugins folder '{full}' cannot be read: {FirstLine(e.Message)}");
            }
            searched.Add(f with { Path = full });
            foreach (var entry in entries.OrderBy(e => e.Name, StringComparer.Ordinal))
            {
                if (LinkProblem(entry) is { } problem) linkFailures.Add(new PluginFailure(entry.FullName, problem));
                else if (entry is DirectoryInfo) plugins.Add(new PluginDirectory(entry.FullName, f.Source));
            }
        }
        var named = only is null || linkFailures.Count > 0 ? -1 : plugins.FindIndex(p => NamedFor(p.Dir, only));
        PluginLoad? first = null;
        if (named >= 0)
        {
            first = LoadOne(plugins[named].Dir, plugins[named].Source, configuration, everyProfile);
            var lean = new PluginCatalog(searched, everyProfile) { Partial = true };
            lean.Add(first);
            if (lean._failures.Count == 0 && lean._architectures.Exists(a => string.Equals(a.Architecture.Name, only, StringComparison.OrdinalIgnoreCase)))
                return lean;
            // Refused, or not the architecture its name says: load everything, so that the failure is reported as it always was
            // (that plugin's load taken as it is: loading it again would give it a second load context).
        }
        var catalog = new PluginCatalog(searched, everyProfile);
        catalog._failures.AddRange(linkFailures);
        for (var i = 0; i < plugins.Count; i++)
            catalog.Add(i == named ? first! : LoadOne(plugins[i].Dir, plugins[i].Source, configuration, everyProfile));
        return catalog;
    }

    /// <summary>
    /// One plugins/&lt;Name&gt;/ folder and where it was found. A class, not a tuple: a list of tuples is JIT-compiled at every start
    /// (the framework's generic code over a struct of pmap's has no precompiled copy).
    /// </summary>
    private sealed record PluginDirectory(string Dir, PluginSource Source);

    /// <summary>
    /// What loading one plugin gave, in order: each architecture it registers with the problem that refuses it (null: sound),
    /// the services it registers besides, and the failure that stopped it, if one did. Nothing here depends on the other plugins.
    /// </summary>
    private sealed class PluginLoad
    {
        public List<(IArchitecture Architecture, PluginInfo Plugin, string? Problem)> Architectures { get; } = [];
        public List<ServiceDescriptor> Services { get; } = [];
        public PluginFailure? Failure { get; set; }
    }

    /// <summary>A plugin's load, taken in: an architecture a plugin taken in before (or this one) provides is refused here.</summary>
    private void Add(PluginLoad load)
    {
        foreach (var (arch, plugin, problem) in load.Architectures)
        {
            if ((problem ?? Duplicate(arch)) is { } refusal) _failures.Add(new PluginFailure(plugin.Path, refusal, NameOf(arch)));
            else _architectures.Add(new LoadedArchitecture(arch, plugin));
        }
        _services.AddRange(load.Services);
        if (load.Failure is { } failure) _failures.Add(failure);
    }

    /// <summary>Pmap.Arch.X86/ (or x86/) for x86.</summary>
    private static bool NamedFor(string dir, string architecture)
    {
        var name = Path.GetFileName(dir);
        return name.Equals(architecture, StringComparison.OrdinalIgnoreCase)
            || name.EndsWith("." + architecture, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A symbolic link in the plugins folder that leads nowhere (dangling) or back to itself (a loop), or null.</summary>
    private static string? LinkProblem(FileSystemInfo entry)
    {
        if (entry.LinkTarget is null) return null;
        try
        {
            var target = entry.ResolveLinkTarget(returnFinalTarget: true);
            return target is null || !target.Exists ? $"dangling symbolic link to '{entry.LinkTarget}'" : null;
        }
        catch (IOException)
        {
            return $"symbolic link loop through '{entry.LinkTarget}'";
        }
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();

    private static PluginLoad LoadOne(string dir, PluginSource source, IConfiguration configuration, bool everyProfile)
    {
        var load = new PluginLoad();
        var name = Path.GetFileName(dir);
        var path = Path.Combine(dir, name + ".dll");
        if (!File.Exists(path))
        {
            load.Failure = new PluginFailure(dir, $"no {name}.dll in the plugin folder (expected plugins/{name}/{name}.dll)");
            return load;
        }
        try
        {
            LoadAssembly(path, source, configuration, everyProfile, load);
        }
        catch (Exception e)
        {
            load.Failure = new PluginFailure(path, Describe(e));
        }
        return load;
    }

    private static void LoadAssembly(string path, PluginSource source, IConfiguration configuration, bool everyProfile, PluginLoad load)
    {
        Assembly assembly;
        try
        {
            // The host's copy of anything a plugin asks for that the host has: for a port, which compiles against the contract
            // alone (tests read every published plugin's references), that is Pmap.Port and the abstractions in its signatures.
            // Naming them as shared assemblies instead made McMaster load their whole reference closure up front: 3.7 MiB a run.
            var loader = PluginLoader.CreateFromAssemblyFile(path, config => config.PreferSharedTypes = true);
            assembly = loader.LoadDefaultAssembly();
        }
        catch
        {
            // Classified as before: reading the name first tells a file that is no .NET assembly from a damaged one. Only
            // on failure, since the metadata reader it brings costs ~3 MiB of the process.
            RefuseIfNotDotNet(path);
            throw;
        }
        try
        {
            Accept(assembly, path, source, configuration, everyProfile, load);
        }
        catch (Exception e) when (PluginFramework.Mismatch(assembly) is { } mismatch)
        {
            // Built for another .NET: that is what to fix, whatever broke first.
            throw new PluginLoadException($"{mismatch}; {Describe(e)}");
        }
    }

    private static void Accept(Assembly assembly, string path, PluginSource source, IConfiguration configuration, bool everyProfile,
        PluginLoad load)
    {
        var assemblyName = assembly.GetName();
        RefuseEarlierContract(assembly);
        Type[] types;
        try
        {
            types = assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            var first = FirstLine(e.LoaderExceptions.FirstOrDefault(x => x is not null)?.Message ?? e.Message);
            throw new PluginLoadException(
                $"its types cannot be loaded (built against other versions of Pmap.Port or Microsoft.Extensions?): {first}");
        }

        var entries = types.Where(t => typeof(IArchitecturePlugin).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false }).ToList();
        if (entries.Count == 0)
        {
            // Same name, other type: the interface was loaded from a second Pmap.Port. (An abstract base is not foreign.)
            var contract = typeof(IArchitecturePlugin);
            var foreign = types.Any(t => t.GetInterfaces().Any(i => i.FullName == contract.FullName && i != contract));
            throw new PluginLoadException(foreign
                ? "its IArchitecturePlugin comes from another copy of Pmap.Port (the plugin must not ship Pmap.Port.dll)"
                : $"no public type implements {nameof(IArchitecturePlugin)}");
        }

        var info = new PluginInfo(assemblyName.Name ?? Path.GetFileNameWithoutExtension(path),
            assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
                ?? assemblyName.Version?.ToString() ?? "0.0.0",
            path, source);

        foreach (var entryType in entries)
        {
            IArchitecturePlugin entry;
            try
            {
                entry = (IArchitecturePlugin)(Activator.CreateInstance(entryType)
                    ?? throw new PluginLoadException($"{entryType.FullName} could not be created"));
            }
            catch (TargetInvocationException e) when (e.InnerException is { } inner)
            {
                // The reflection wrapper says only "thrown by the target of an invocation": the reason is the inner exception.
                throw new PluginLoadException($"{entryType.Name}'s constructor threw {inner.GetType().Name}: {FirstLine(inner.Message)}");
            }
            if (entry.ContractVersion != PmapContract.Version)
                throw new PluginLoadException(
                    $"built against contract version {entry.ContractVersion}; this host speaks version {PmapContract.Version}");

            var services = new ServiceCollection();
            try
            {
                entry.ConfigureServices(services, configuration);
            }
            catch (Exception e)
            {
                throw new PluginLoadException($"{entryType.Name}.ConfigureServices threw {e.GetType().Name}: {FirstLine(e.Message)}");
            }
            AcceptServices(services, info, everyProfile, load);
        }
    }

    /// <summary>The contract's assembly name: the one Pmap assembly a port references.</summary>
    private static readonly string ContractAssembly = typeof(IArchitecturePlugin).Assembly.GetName().Name!;

    /// <summary>
    /// A plugin built before the contract had an assembly of its own (version 5 and earlier) references the engine, Pmap.Core,
    /// and not Pmap.Port: say so and what to do, instead of failing on a missing type.
    /// </summary>
    private static void RefuseEarlierContract(Assembly assembly)
    {
        var references = assembly.GetReferencedAssemblies().Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        if (references.Contains("Pmap.Core") && !references.Contains(ContractAssembly))
            throw new PluginLoadException($"built against contract version 5 or earlier (it references Pmap.Core); this host speaks " +
                $"version {PmapContract.Version}: rebuild it against the {ContractAssembly} package");
    }

    /// <summary>"not a .NET assembly" when the file has no assembly name to read.</summary>
    private static void RefuseIfNotDotNet(string path)
    {
        try
        {
            _ = AssemblyName.GetAssemblyName(path);
        }
        catch (BadImageFormatException)
        {
            throw new PluginLoadException("not a .NET assembly");
        }
    }

    private static void AcceptServices(ServiceCollection services, PluginInfo info, bool everyProfile, PluginLoad load)
    {
        using var provider = services.BuildServiceProvider();
        var archs = provider.GetServices<IArchitecture>().ToList();
        if (archs.Count == 0) throw new PluginLoadException($"registers no {nameof(IArchitecture)}");
        foreach (var arch in archs) load.Architectures.Add((arch, info, Validate(arch, everyProfile)));
        load.Services.AddRange(services.Where(d => d.ServiceType != typeof(IArchitecture)));
    }

    private static string Describe(Exception e) => e switch
    {
        PluginLoadException p => p.Message,
        FileNotFoundException f => $"a dependency is missing: {f.FileName ?? f.Message}",
        FileLoadException f => $"cannot be loaded: {FirstLine(f.Message)}",
        BadImageFormatException b => $"a damaged .NET assembly: {FirstLine(b.Message)}",
        InvalidOperationException o when o.Message.Contains("Detailed error: ", StringComparison.Ordinal) =>
            $"its dependencies cannot be resolved: {FirstLine(o.Message[(o.Message.IndexOf("Detailed error: ", StringComparison.Ordinal) + 16)..])}",
        _ => FirstLine(e.Message),
    };

    private sealed class PluginLoadException(string message) : Exception(message);
}
