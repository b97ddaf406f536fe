namespace Pmap.Host.Tests.Schemas;

/// <summary>
/// The committed docs/schemas are what the generator makes of the CLI's records today: a record changed without its schema
/// fails here. PMAP_WRITE_SCHEMAS=1 rewrites them instead (then review the diff and commit it).
/// </summary>
public class SchemaGenerationTests
{
    public static TheoryData<string> Commands() => [.. SchemaGenerator.Documents.Keys];

    [Theory]
    [MemberData(nameof(Commands))]
    public void The_committed_schema_is_the_generated_one(string command)
    {
        var generated = SchemaGenerator.Generate(command);
        var path = Path.Combine(SchemaGenerator.Folder, command + ".schema.json");
        if (Environment.GetEnvironmentVariable("PMAP_WRITE_SCHEMAS") == "1")
        {
            // Whole or not at all: written beside it, then moved over it.
            var temp = path + ".tmp";
            File.WriteAllText(temp, generated);
            File.Move(temp, path, overwrite: true);
        }
        Assert.True(File.Exists(path), $"no committed schema for '{command}': run the schema tests with PMAP_WRITE_SCHEMAS=1");
        Assert.True(File.ReadAllText(path).ReplaceLineEndings("\n") == generated,
            $"docs/schemas/{command}.schema.json is not what its records generate: run the schema tests with PMAP_WRITE_SCHEMAS=1 and commit the diff");
    }

    [Fact]
    public void Every_committed_schema_has_its_records()
    {
        var files = Directory.GetFiles(SchemaGenerator.Folder, "*.schema.json").Select(f => Path.GetFileName(f)[..^".schema.json".Length]);
        Assert.Equal(files.Order(StringComparer.Ordinal), SchemaGenerator.Documents.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Objects_require_what_is_always_written_and_allow_nothing_else()
    {
        var layout = System.Text.Json.Nodes.JsonNode.Parse(SchemaGenerator.Generate("layout"))!["anyOf"]![0]!;
        Assert.False((bool)layout["additionalProperties"]!);
        Assert.Contains("fixaddrTop", layout["required"]!.AsArray().Select(n => (string)n!));
        // dump's optional parts are left out unless asked for (--tables, --check-wx): not required.
        var dump = System.Text.Json.Nodes.JsonNode.Parse(SchemaGenerator.Generate("dump"))!["anyOf"]![0]!;
        var required = dump["required"]!.AsArray().Select(n => (string)n!).ToList();
        Assert.Equal(["arch", "profile", "after", "markers", "ranges"], required);
    }
}
