using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.Json;

namespace Pmap.Tests.Plugins;

/// <summary>What a published plugin folder holds, read the way the loader reads it: its deps.json and its assemblies' metadata.</summary>
public static class PublishedPlugin
{
    /// <summary>
    /// The Pmap assemblies the plugin's own code references but does not ship: those the host must provide. A port compiled
    /// against the contract alone gives exactly Pmap.Port.
    /// </summary>
    public static IReadOnlySet<string> HostProvidedPmapReferences(string folder)
    {
        var name = Path.GetFileName(folder);
        using var deps = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, name + ".deps.json")));
        var shipped = deps.RootElement.GetProperty("targets").EnumerateObject().First().Value.EnumerateObject()
            .SelectMany(library => library.Value.TryGetProperty("runtime", out var runtime)
                ? runtime.EnumerateObject().Select(a => Path.GetFileNameWithoutExtension(a.Name))
                : [])
            .ToHashSet(StringComparer.Ordinal);
        var references = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var assembly in shipped)
        {
            using var pe = new PEReader(File.OpenRead(Path.Combine(folder, assembly + ".dll")));
            var metadata = pe.GetMetadataReader();
            foreach (var handle in metadata.AssemblyReferences)
            {
                var referenced = metadata.GetString(metadata.GetAssemblyReference(handle).Name);
                if (referenced.StartsWith("Pmap.", StringComparison.Ordinal) && !shipped.Contains(referenced)) references.Add(referenced);
            }
        }
        return references;
    }
}
