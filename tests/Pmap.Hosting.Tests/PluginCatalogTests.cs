using System.Runtime.Loader;
using Microsoft.Extensions.Configuration;
using Pmap.Core.Arch;
using Pmap.Hosting;
using Pmap.TestArch;
using Pmap.Tests.Plugins;

namespace Pmap.Core.Tests;

/// <summary>Plugin loading end to end, from a fresh temp folder per test.</summary>
public class PluginCatalogTests
{
    private static readonly IConfiguration Config = new ConfigurationBuilder().Build();
    private static readonly string Built = Path.Combine(AppContext.BaseDirectory, "testplugins");

    private static string Folder(params string[] plugins)
    {
        var dir = Path.Combine(Path.GetTempPath(), "pmap-catalog-" + Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(dir);
        foreach (var name in plugins)
        {
            var dst = Path.Combine(dir, name);
            Directory.CreateDirectory(dst);
            foreach (var f in Directory.GetFiles(Path.Combine(Built, name))) File.Copy(f, Path.Combine(dst, Path.GetFileName(f)));
        }
        return dir;
    }

    private static PluginFailure FailureOf(PluginCatalog c, string name) => Assert.Single(c.Failures, f => f.Path.Contains(name));

    [Fact]
    public void A_good_plugin_loads_in_its_own_context_sharing_the_contract()
    {
        var c = PluginCatalog.Load(Folder("Pmap.TestPlugin.Good"), Config);
        var loaded = Assert.Single(c.Architectures);
        Assert.Empty(c.Failures);
        Assert.Equal("fake", loaded.Architecture.Name);
        Assert.Equal("Pmap.TestPlugin.Good", loaded.Plugin.Name);
        var context = AssemblyLoadContext.GetLoadContext(loaded.Architecture.GetType().Assembly);
        Assert.NotSame(AssemblyLoadContext.Default, context);
        // The contract type is the host's: one identity across contexts.
        Assert.IsAssignableFrom<IArchitecture>(loaded.Architecture);
        Assert.Same(typeof(IArchitecture).Assembly,
            loaded.Architecture.GetType().GetInterfaces().Single(i => i.Name == nameof(IArchitecture)).Assembly);
    }

    [Fact]
    public void Garbage_is_not_a_dotnet_assembly_and_the_others_load()
    {
        var dir = Folder("Pmap.TestPlugin.Good");
        Directory.CreateDirectory(Path.Combine(dir, "Bad"));
        File.WriteAllBytes(Path.Combine(dir, "Bad", "Bad.dll"), [0x4d, 0x5a, 1, 2, 3]);
        var c = PluginCatalog.Load(dir, Config);
        Assert.Equal("not a .NET assembly", FailureOf(c, "Bad.dll").Error);
        Assert.Single(c.Architectures);
    }

    [Fact]
    public void A_plugin_that_throws_while_registering_is_reported()
    {
        var c = PluginCatalog.Load(Folder("Pmap.TestPlugin.Good", "Pmap.TestPlugin.Throwing"), Config);
        Assert.Contains("registration exploded", FailureOf(c, "Throwing").Error);
        Assert.Single(c.Architectures);
    }

    [Fact]
    public void A_contract_version_mismatch_is_reported()
    {
        var c = PluginCatalog.Load(Folder("Pmap.TestPlugin.Good", "Pmap.TestPlugin.OldContract"), Config);
        Assert.Contains($"built against contract version 0; this host speaks version {PmapContract.Version}", FailureOf(c, "OldContract").Error);
        Assert.Equal("fake", Assert.Single(c.Architectures).Architecture.Name);
    }

    [Fact]
    public void Every_test_plugin_needs_at_most_the_contract_from_the_host()
    {
        var plugins = Directory.GetDirectories(Built);
        Assert.True(plugins.Length >= 10, string.Join(", ", plugins));
        foreach (var plugin in plugins)
            Assert.Subset(new SortedSet<string>(["Pmap.Port"]), new SortedSet<string>(PublishedPlugin.HostProvidedPmapReferences(plugin)));
        Assert.Equal(["Pmap.Core"], PublishedPlugin.HostProvidedPmapReferences(
            Path.Combine(AppContext.BaseDirectory, "testplugins-contract5", "Pmap.TestPlugin.Good")));
    }

    [Fact]
    public void A_plugin_built_against_the_previous_contract_is_told_to_rebuild_and_the_others_load()
    {
        var dir = Folder("Pmap.TestPlugin.Good");
        var old = Path.Combine(dir, "Pmap.TestPlugin.Old");
        Directory.CreateDirectory(old);
        // The same plugin, compiled when the contract was Pmap.Core (version 5); renamed so both can sit side by side.
        foreach (var f in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "testplugins-contract5", "Pmap.TestPlugin.Good")))
            File.Copy(f, Path.Combine(old, Path.GetFileName(f).Replace("Good", "Old", StringComparison.Ordinal)));
        var c = PluginCatalog.Load(dir, Config);
        Assert.Equal($"built against contract version 5 or earlier (it references Pmap.Core); this host speaks version " +
            $"{PmapContract.Version}: rebuild it against the Pmap.Port package", FailureOf(c, "Pmap.TestPlugin.Old").Error);
        Assert.Equal("fake", Assert.Single(c.Architectures).Architecture.Name);
    }

    [Fact]
    public void An_assembly_without_a_plugin_type_is_reported()
    {
        var c = PluginCatalog.Load(Folder("Pmap.TestPlugin.NoEntry"), Config);
        Assert.Contains("no public type implements IArchitecturePlugin", FailureOf(c, "NoEntry").Error);
        Assert.Empty(c.Architectures);
    }

    [Fact]
    public void The_second_plugin_claiming_a_name_is_refused_and_the_first_kept()
    {
        // Folders load in ordinal order: Duplicate before Good.
        var c = PluginCatalog.Load(Folder("Pmap.TestPlugin.Good", "Pmap.TestPlugin.Duplicate"), Config);
        Assert.Equal("Pmap.TestPlugin.Duplicate", Assert.Single(c.Architectures).Plugin.Name);
        var f = FailureOf(c, "Pmap.TestPlugin.Good.dll");
        Assert.Contains("architecture 'fake' is provided twice: ", f.Error);
        Assert.Contains("Pmap.TestPlugin.Duplicate.dll", f.Error);
    }

    [Fact]
    public void Folders_load_in_order_the_first_wins_and_an_optional_missing_folder_is_skipped()
    {
        // Bundled (Good), user (Duplicate: the same architecture name), configured (Good again).
        var bundled = Folder("Pmap.TestPlugin.Good");
        var user = Folder("Pmap.TestPlugin.Duplicate");
        var configured = Folder("Pmap.TestPlugin.Good");
        var c = PluginCatalog.Load([new PluginFolder(bundled, PluginSource.Bundled, false),
            new PluginFolder(Path.Combine(user, "absent"), PluginSource.User, false),
            new PluginFolder(user, PluginSource.User, false), new PluginFolder(configured, PluginSource.Configured, true)], Config);

        var kept = Assert.Single(c.Architectures);
        Assert.Equal((PluginSource.Bundled, Path.Combine(bundled, "Pmap.TestPlugin.Good", "Pmap.TestPlugin.Good.dll")),
            (kept.Plugin.Source, kept.Plugin.Path));
        Assert.Equal([bundled, user, configured], c.Folders.Select(f => f.Path));
        Assert.Equal(2, c.Failures.Count);
        Assert.All(c.Failures, f => Assert.Equal(
            $"architecture 'fake' is provided twice: {kept.Plugin.Path} was found first and is used; this copy is not", f.Error));
        Assert.Equal([Path.Combine(user, "Pmap.TestPlugin.Duplicate", "Pmap.TestPlugin.Duplicate.dll"),
            Path.Combine(configured, "Pmap.TestPlugin.Good", "Pmap.TestPlugin.Good.dll")], c.Failures.Select(f => f.Path));

        // A configured folder is required.
        var absent = new PluginFolder(Path.Combine(user, "absent"), PluginSource.Configured, Required: true);
        Assert.Throws<PluginFolderException>(() => PluginCatalog.Load([absent], Config));
    }

    [Fact]
    public void A_folder_without_its_dll_and_a_missing_folder()
    {
        var dir = Folder("Pmap.TestPlugin.Good");
        Directory.CreateDirectory(Path.Combine(dir, "Nothing"));
        Assert.Contains("no Nothing.dll", FailureOf(PluginCatalog.Load(dir, Config), "Nothing").Error);
        Assert.Throws<PluginFolderException>(() => PluginCatalog.Load(Path.Combine(dir, "absent"), Config));
    }

    [Fact]
    public void All_failures_at_once_still_load_the_good_one()
    {
        var dir = Folder("Pmap.TestPlugin.Good", "Pmap.TestPlugin.Throwing", "Pmap.TestPlugin.OldContract", "Pmap.TestPlugin.NoEntry");
        Directory.CreateDirectory(Path.Combine(dir, "Bad"));
        File.WriteAllText(Path.Combine(dir, "Bad", "Bad.dll"), "garbage");
        var c = PluginCatalog.Load(dir, Config);
        Assert.Equal(4, c.Failures.Count);
        Assert.Equal("fake", Assert.Single(c.Architectures).Architecture.Name);
    }

    [Fact]
    public void The_plugin_of_a_one_architecture_load_that_was_refused_is_loaded_once_when_every_plugin_is()
    {
        var dir = Folder("Pmap.TestPlugin.Good", "Pmap.TestPlugin.Throwing");
        var c = PluginCatalog.Load([new PluginFolder(dir, PluginSource.Configured, Required: true)], Config, only: "throwing");
        Assert.False(c.Partial); // refused alone: every plugin loaded, so that the failure is reported as always
        Assert.Contains("registration exploded", FailureOf(c, "Throwing").Error);
        Assert.Equal("fake", Assert.Single(c.Architectures).Architecture.Name);
        var throwing = Path.Combine(dir, "Pmap.TestPlugin.Throwing") + Path.DirectorySeparatorChar;
        Assert.Single(AssemblyLoadContext.All, context => context.Assemblies.Any(a => a.Location.StartsWith(throwing, StringComparison.Ordinal)));
    }

    /// <summary>A port whose second profile does not build.</summary>
    private sealed class HalfBroken() : Architecture<FakeProfile>("halfbroken", "a test architecture",
        [new("plain", "today's pmap.c", PmapCommonVariant.Upstream), new("seed-v3", "the v3 pmap.c", PmapCommonVariant.SeedV3(64))])
    {
        public override IReadOnlyList<ArchOption> Options => [];

        protected override ArchModel Create(ArchSettings settings, FakeProfile profile) => profile.Name == "plain"
            ? new FakeArchitecture("halfbroken").Create(settings)
            : throw new InvalidOperationException("no seed-v3 here");
    }

    [Fact]
    public void The_default_profile_is_checked_at_load_every_profile_when_asked_for_and_the_others_at_first_use()
    {
        const string Refusal = "architecture 'halfbroken' profile 'seed-v3' cannot be built with default settings: InvalidOperationException: no seed-v3 here";
        var arch = new HalfBroken();
        Assert.Null(PluginCatalog.Validate(arch, everyProfile: false));
        Assert.Equal(Refusal, PluginCatalog.Validate(arch, everyProfile: true));

        var c = PluginCatalog.Load(Folder("Pmap.TestPlugin.Good"), Config);
        c.CheckProfile(arch, "plain");
        for (var use = 0; use < 2; use++) // refused at every use, not only the first
            Assert.Equal($"plugin halfbroken was refused: {Refusal}", Assert.Throws<PluginFolderException>(() => c.CheckProfile(arch, "seed-v3")).Message);
        // Checked with the rest at load: nothing is left to check at first use.
        PluginCatalog.Load(Folder("Pmap.TestPlugin.Good"), Config, everyProfile: true).CheckProfile(arch, "seed-v3");
    }
}
