using Microsoft.Extensions.Configuration;
using Pmap.Core;
using Pmap.Core.Arch;
using Pmap.Core.Machine;
using Pmap.Hosting;
using Pmap.TestArch;

namespace Pmap.Core.Tests;

public class ConfigurationTests
{
    private static IConfigurationRoot Memory(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void Defaults_and_valid_values()
    {
        var o = PmapOptions.Load(Memory());
        Assert.Equal(((string?)null, "arm64", 8, true), (o.PluginsPath, o.Architecture, o.NumFixPmap, o.Debug));
        var p = PmapOptions.Load(Memory(("NumFixPmap", "100"), ("Debug", "false"), ("Architecture", "X86")));
        Assert.Equal((100, false, "x86"), (p.NumFixPmap, p.Debug, p.Architecture));
    }

    [Theory]
    [InlineData("NumFixPmap", "0")]
    [InlineData("NumFixPmap", "abc")]
    [InlineData("NumFixPmap", "100000")]
    [InlineData("Debug", "maybe")]
    [InlineData("PluginsPath", " ")]
    public void Bad_values_name_the_key_and_the_source(string key, string value)
    {
        var e = Assert.Throws<PmapConfigurationException>(() => PmapOptions.Load(Memory((key, value))));
        Assert.Equal(key, e.Key);
        Assert.Contains($"'{value}'", e.Message);
        Assert.Contains("command line", e.Message); // an in-memory provider is what the host uses for options
    }

    [Fact]
    public void Environment_variables_are_named_as_such()
    {
        Environment.SetEnvironmentVariable("PMAPTEST_NUMFIXPMAP", "zero");
        var c = new ConfigurationBuilder().AddEnvironmentVariables("PMAPTEST_").Build();
        var e = Assert.Throws<PmapConfigurationException>(() => PmapOptions.Load(c));
        Assert.Contains("environment variable PMAP_NUMFIXPMAP", e.Message);
        Environment.SetEnvironmentVariable("PMAPTEST_NUMFIXPMAP", null);
    }

    [Fact]
    public void A_configuration_error_carries_its_key_value_source_and_reason_and_the_message_is_made_of_them()
    {
        var e = Assert.Throws<PmapConfigurationException>(() => PmapOptions.Load(Memory(("Debug", "maybe"))));
        Assert.Equal(("Debug", "maybe", "command line"), (e.Key, e.Value, e.ValueSource));
        Assert.Equal("is not valid: expected true or false", e.Reason);
        Assert.Equal("Debug: 'maybe' (from command line) is not valid: expected true or false", e.Message);

        // A model's refusal has no source until the host names where the key came from, under the architecture's section.
        var model = new PmapConfigurationException("XenEnd", "0x0 does not fit");
        Assert.Equal(("XenEnd: 0x0 does not fit", null), (model.Message, model.ValueSource));
        var placed = model.At("Architectures:arm64:XenEnd", "file 'pmap.json'");
        Assert.Equal(("0x0 does not fit", "Architectures:arm64:XenEnd: 0x0 does not fit (from file 'pmap.json')"), (placed.Reason, placed.Message));
    }

    private static ArchitectureRegistry Registry(IConfigurationRoot config)
    {
        var dir = Path.Combine(Path.GetTempPath(), "pmap-reg-" + Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(Path.Combine(dir, "Pmap.TestPlugin.Good"));
        foreach (var f in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "testplugins", "Pmap.TestPlugin.Good")))
            File.Copy(f, Path.Combine(dir, "Pmap.TestPlugin.Good", Path.GetFileName(f)));
        return new ArchitectureRegistry(PluginCatalog.Load(dir, config), PmapOptions.Load(config), config);
    }

    [Fact]
    public void Registry_refuses_unknown_names_and_the_seed_v3_bitmap_overflow()
    {
        var r = Registry(Memory(("Architecture", "fake")));
        Assert.Equal("plain", r.Create(new ArchRequest()).Profile);
        Assert.Contains("unknown architecture 'sparc': loaded are fake",
            Assert.Throws<PmapUsageException>(() => r.Create(new ArchRequest("sparc"))).Message);
        Assert.Contains("allowed are plain, seed-v3", Assert.Throws<PmapUsageException>(() => r.Create(new ArchRequest("fake", "nope"))).Message);
        Assert.Equal(64, r.Create(new ArchRequest("fake", "seed-v3", 64)).Fixmap.NumFixPmap);
        var e = Assert.Throws<PmapUsageException>(() => r.Create(new ArchRequest("fake", "seed-v3", 65)));
        Assert.Contains("BUILD_BUG_ON(sizeof(inuse) * BITS_PER_BYTE < NUM_FIX_PMAP)", e.Message);

        var fromConfig = Registry(Memory(("Architecture", "fake"), ("NumFixPmap", "65"), ("Architectures:fake:Profile", "seed-v3")));
        var c = Assert.Throws<PmapConfigurationException>(() => fromConfig.Create(new ArchRequest()));
        Assert.Equal("NumFixPmap", c.Key);

        var unknownDefault = Registry(Memory(("Architecture", "sparc")));
        Assert.Equal("Architecture", Assert.Throws<PmapConfigurationException>(() => unknownDefault.Create(new ArchRequest())).Key);
        var badProfile = Registry(Memory(("Architectures:fake:Profile", "nope")));
        Assert.Equal("Architectures:fake:Profile", Assert.Throws<PmapConfigurationException>(() => badProfile.Create(new ArchRequest("fake"))).Key);
    }
}
