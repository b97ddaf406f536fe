using Pmap.Tests.Plugins;

namespace Pmap.Host.Tests;

/// <summary>The shipped plugins compile against the contract alone: the engine is behind it and free to change.</summary>
public class ContractBoundaryTests
{
    [Fact]
    public void Each_shipped_plugin_needs_only_the_contract_from_the_host()
    {
        var plugins = Directory.GetDirectories(Cli.PluginsFolder);
        Assert.Equal(4, plugins.Length);
        foreach (var plugin in plugins)
            Assert.Equal(["Pmap.Port"], PublishedPlugin.HostProvidedPmapReferences(plugin));
    }
}
