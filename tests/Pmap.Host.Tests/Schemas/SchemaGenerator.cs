using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization.Metadata;
using Pmap.Core;
using Pmap.Host.Commands;
using Pmap.Host.Views;

namespace Pmap.Host.Tests.Schemas;

/// <summary>
/// docs/schemas generated from the records the CLI serialises, with the CLI's own JsonSerializerOptions: each command's
/// schema allows any of its documents or the error document alone. Objects allow no property their record lacks, and
/// require every property the serialiser always writes (all but those left out when null).
/// </summary>
public static class SchemaGenerator
{
    /// <summary>Each command's schema name and the documents `--json` prints for it.</summary>
    public static IReadOnlyDictionary<string, Type[]> Documents { get; } = new Dictionary<string, Type[]>
    {
        ["arch-list"] = [typeof(ArchListDto)],
        ["bench"] = [typeof(BenchDto)],
        ["boot"] = [typeof(BootDto)],
        ["compare"] = [typeof(CompareDto)],
        ["config"] = [typeof(ConfigDto)],
        ["conformance"] = [typeof(ConformanceDto)],
        ["decode"] = [typeof(DecodeDto)],
        ["dump"] = [typeof(DumpDto)],
        ["fuzz"] = [typeof(FuzzDto), typeof(FuzzPairsDto)],
        ["hazards"] = [typeof(HazardsDto), typeof(RealHazardsDto)],
        ["layout"] = [typeof(LayoutDto)],
        ["map"] = [typeof(MapResultDto)],
        ["report"] = [typeof(ReportDto)],
        ["translate"] = [typeof(TranslateDto)],
        ["verify"] = [typeof(VerifyDto), typeof(XenDiffDto)],
        ["versions"] = [typeof(VersionsDto), typeof(VersionsDiffDto)],
    };

    /// <summary>Where the committed schemas are (the source tree's docs/schemas).</summary>
    public static string Folder { get; } = Path.Combine(typeof(SchemaGenerator).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "DocsFolder").Value!, "schemas");

    /// <summary>The schema of <paramref name="command"/> as the file holds it (indented, "\n", a final newline).</summary>
    public static string Generate(string command)
    {
        var options = new JsonSerializerOptions(Json.Options);
        var exporter = new JsonSchemaExporterOptions { TransformSchemaNode = Transform };
        var documents = new JsonArray();
        foreach (var type in Documents[command].Append(typeof(ErrorDocument)))
        {
            var document = options.GetJsonSchemaAsNode(type, exporter);
            document["type"] = "object"; // a document is never null
            Rebase(document, $"#/anyOf/{documents.Count}");
            documents.Add(document);
        }
        var schema = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["title"] = $"pmap {command} --json",
            ["description"] = "Generated from the records the CLI serialises (tests/Pmap.Host.Tests/Schemas/SchemaGenerator.cs): "
                + "run the schema tests with PMAP_WRITE_SCHEMAS=1 to rewrite.",
            ["anyOf"] = documents,
        };
        return schema.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = Json.Options.Encoder })
            .ReplaceLineEndings("\n") + "\n";
    }

    // The exporter points a repeated type's $ref at its first place from the document's root; the document sits under anyOf.
    private static void Rebase(JsonNode? node, string root)
    {
        if (node is JsonObject o)
        {
            if (o["$ref"] is JsonValue v && v.GetValue<string>() is var r && r.StartsWith('#')) o["$ref"] = root + r[1..];
            foreach (var (_, child) in o.ToList()) Rebase(child, root);
        }
        else if (node is JsonArray a)
            foreach (var child in a) Rebase(child, root);
    }

    private static JsonNode Transform(JsonSchemaExporterContext context, JsonNode schema)
    {
        var type = context.TypeInfo.Type;
        // ErrorKind is written by its own converter as the names docs/CLI.md gives it.
        if (type == typeof(ErrorKind) || context.PropertyInfo?.PropertyType == typeof(ErrorKind))
            return new JsonObject { ["enum"] = new JsonArray([.. Enum.GetValues<ErrorKind>().Select(k => (JsonNode)k.JsonName())]) };
        if (context.PropertyInfo?.AttributeProvider is { } property && schema is JsonObject s)
        {
            var nullable = s["type"] is JsonArray types && types.Any(t => (string?)t == "null");
            if (property.IsDefined(typeof(JsonHexAttribute), false)) s["pattern"] = JsonHexAttribute.Pattern;
            if (property.GetCustomAttributes(typeof(JsonOneOfAttribute), false) is [JsonOneOfAttribute oneOf])
                s["enum"] = new JsonArray([.. oneOf.Values.Select(v => (JsonNode?)v), .. nullable ? new JsonNode?[] { null } : []]);
        }
        if (context.TypeInfo.Kind == JsonTypeInfoKind.Object && schema is JsonObject o && o.ContainsKey("properties"))
        {
            var always = context.TypeInfo.Properties.Where(p => p.Get is not null && p.ShouldSerialize is null).Select(p => (JsonNode)p.Name);
            o["required"] = new JsonArray([.. always]);
            o["additionalProperties"] = false;
        }
        return schema;
    }
}
