using System.Reflection;
using System.Text.RegularExpressions;
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

    [Fact]
    public void Porting_lists_every_public_type_of_the_contract_with_its_count()
    {
        var docs = typeof(ContractBoundaryTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "DocsFolder").Value!;
        var porting = File.ReadAllText(Path.Combine(docs, "PORTING.md"));
        var section = porting[porting.IndexOf("## The contract: Pmap.Port", StringComparison.Ordinal)..];
        var listed = Regex.Matches(section, @"^\| `(\w+)` \| ", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToHashSet();
        var exported = typeof(IXenMachine).Assembly.GetExportedTypes().Where(t => !t.IsNested)
            .Select(t => t.Name.Split('`')[0]).ToHashSet();
        Assert.Equal(exported.Order(), listed.Order());
        Assert.Contains($"Its {exported.Count} public types", section, StringComparison.Ordinal);
    }
}
