using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Json.Schema;

namespace Pmap.Host.Tests.Schemas;

/// <summary>
/// The published JSON contract (docs/CLI.md, docs/schemas): the real binary, run as a process for every command on
/// every architecture and on the failures that matter, must print exactly what its schema allows and exit with the
/// documented code.
/// </summary>
public partial class SchemaTests
{
    // The four architectures the contract documents; a missing plugin must fail here, not shrink the matrix.
    public static TheoryData<string> Architectures() => new() { "arm64", "arm32", "x86", "riscv" };

    private static readonly ConcurrentDictionary<string, JsonSchema> Loaded = new();

    /// <summary>docs/schemas/&lt;command&gt;.schema.json, copied beside the test assembly by the project file.</summary>
    private static JsonSchema Schema(string command) => Loaded.GetOrAdd(command, c =>
    {
        var path = Path.Combine(AppContext.BaseDirectory, "schemas", c + ".schema.json");
        Assert.True(File.Exists(path), $"no schema for '{c}' at {path}");
        return JsonSchema.FromFile(path);
    });

    private static void AssertValid(string command, string stdout)
    {
        var node = JsonNode.Parse(stdout); // throws unless stdout is one JSON document and nothing else
        var result = Schema(command).Evaluate(node, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (result.IsValid) return;
        var errors = result.Details.Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.EvaluationPath}): {e.Key}: {e.Value}"));
        Assert.Fail($"pmap {command} --json does not match {command}.schema.json:\n  {string.Join("\n  ", errors.Take(20))}\n{stdout}");
    }

    /// <summary>Runs the built pmap binary and checks its exit code and its stdout against the command's schema.</summary>
    private static JsonNode Run(string schema, int expectedCode, params string[] args) => RunIn(Cli.HostOutput, schema, expectedCode, args);

    private static JsonNode RunIn(string host, string schema, int expectedCode, params string[] args)
    {
        var r = Cli.ProcessIn(host, null, args);
        Assert.True(r.Code == expectedCode, $"pmap {string.Join(' ', args)} exited {r.Code}, expected {expectedCode}\n{r.Err}{r.Out}");
        r.AssertNoStackTrace();
        AssertValid(schema, r.Out);
        return JsonNode.Parse(r.Out)!;
    }

    private static string Error(JsonNode doc, string kind)
    {
        var e = doc["error"];
        Assert.NotNull(e);
        Assert.Equal(kind, (string?)e["kind"]);
        return (string)e["message"]!;
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Arch_list_and_config(string arch)
    {
        var list = Run("arch-list", 0, "arch", "list", "--arch", arch, "--json");
        Assert.Contains(list["architectures"]!.AsArray(), a => (string?)a!["name"] == arch);
        // config reports configuration sources; the environment is one (--arch acts on a command, config shows no command's).
        var r = Cli.Process(new Dictionary<string, string> { ["PMAP_ARCHITECTURE"] = arch }, "config", "--json");
        Assert.Equal(0, r.Code);
        AssertValid("config", r.Out);
        var setting = JsonNode.Parse(r.Out)!["settings"]!.AsArray().Single(s => (string?)s!["key"] == "Architecture")!;
        Assert.Equal(arch, (string?)setting["value"]);
        Assert.Equal("environment variable PMAP_ARCHITECTURE", (string?)setting["source"]);
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Layout(string arch) => Run("layout", 0, "layout", "--arch", arch, "--json");

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Fuzz(string arch)
    {
        var doc = Run("fuzz", 0, "fuzz", "--arch", arch, "--ops", "3000", "--seed", "5", "--json");
        Assert.Null(doc["violation"]);
        Assert.Equal(3000, (long)doc["ops"]!);
    }

    [Fact]
    public void Fuzz_with_findings()
    {
        var doc = Run("fuzz", 4, "fuzz", "--arch", "arm64", "--profile", "xen-4.17", "--count", "3000", "--json");
        Assert.Equal(2, doc["findings"]!.AsArray().Count);
        Assert.Equal((long)doc["findings"]![0]!["at"]!, (long)doc["violation"]!["at"]!);
    }

    [Fact]
    public void Fuzz_of_several_pairs()
    {
        var doc = Run("fuzz", 4, "fuzz", "--profile", "arm64:xen-4.17,x86:series-v5", "--count", "3000", "--json");
        Assert.Equal(2, doc["runs"]!.AsArray().Count);
        Assert.Equal(6000, (long)doc["totals"]!["ops"]!);
    }

    [Fact]
    public void Fuzz_refuses_an_unbounded_run() => Error(Run("fuzz", 2, "fuzz", "--arch", "x86", "--ops", "1000000000000", "--json"), "usage");

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Versions(string arch)
    {
        var doc = Run("versions", 0, "versions", "--arch", arch, "--json");
        Assert.Equal(arch == "x86", doc["releases"]!.AsArray().Count == 0);
        if (arch == "x86") Error(Run("versions", 2, "versions", "--arch", arch, "--diff", "4.17.0..4.18.0", "--json"), "usage");
        else Assert.NotNull(Run("versions", 0, "versions", "--arch", arch, "--diff", "4.20.0..upstream", "--json")["changes"]);
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Map_unmap_decode_translate(string arch)
    {
        var map = Run("map", 0, "map", "--arch", arch, "--mfn", "0x12345", "--unmap", "--json");
        var first = map["steps"]![0]!;
        var va = (string)first["va"]!;
        var pte = (string)first["pte"]!;

        var decoded = Run("decode", 0, "decode", "--arch", arch, pte, "--json");
        Assert.Equal("page", (string?)decoded["kind"]);
        Run("decode", 0, "decode", "--arch", arch, "0x0", "--json");

        var hit = Run("translate", 0, "translate", "--arch", arch, "--va", va, "--mfn", "0x12345", "--json");
        Assert.Equal("0x12345000", (string?)hit["pa"]);
        // Nothing mapped there: a fault is an answer, exit 0.
        var fault = Run("translate", 0, "translate", "--arch", arch, "--va", va, "--json");
        Assert.NotNull(fault["fault"]);
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Compare_boot_conformance(string arch)
    {
        Run("compare", 0, "compare", "--arch", arch, "--json");
        Run("boot", 0, "boot", "--arch", arch, "--json");
        // The Arm xen-4.17 default fails the checks the FIXADDR_TOP off-by-one breaks: exit 4, same document.
        var conformance = Cli.Process(null, "conformance", "--arch", arch, "--json");
        Assert.Contains(conformance.Code, new[] { 0, 4 });
        AssertValid("conformance", conformance.Out);
        Run("conformance", 0, "conformance", "--arch", arch, "--profile", arch is "arm64" or "arm32" ? "upstream" : DefaultProfile(arch), "--json");
    }

    private static string DefaultProfile(string arch) => arch == "x86" ? "series-v5" : "upstream";

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Dump(string arch)
    {
        Assert.NotEmpty(Run("dump", 0, "dump", "--arch", arch, "--tables", "--json")["tables"]!.AsArray());
        Assert.Contains(Run("dump", 0, "dump", "--arch", arch, "--after", "map", "--json")["ranges"]!.AsArray(),
            r => ((string)r!["region"]!).EndsWith("(PMAP)", StringComparison.Ordinal));
    }

    [Fact]
    public void Report()
    {
        var file = Path.Combine(Path.GetTempPath(), $"pmap-report-{Guid.NewGuid():n}.html");
        try
        {
            Assert.Equal(file, (string?)Run("report", 0, "report", "--arch", "arm64,riscv", "-o", file, "--json")["output"]);
            Error(Run("report", 2, "report", "--profile", "arm64", "-o", Path.Combine(file, "no", "such.html"), "--json"), "usage");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Compare_all() => Assert.Equal(4, Run("compare", 0, "compare", "--json")["architectures"]!.AsArray().Count);

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Bench(string arch)
    {
        Run("bench", 0, "bench", "--arch", arch, "--workload", "W1", "--n", "1000", "--json");
        foreach (var w in new[] { "W2", "W3" })
        {
            // W2 and W3 map RAM into the directmap, which arm32 does not have: a usage error there.
            var doc = Run("bench", arch == "arm32" ? 2 : 0, "bench", "--arch", arch, "--workload", w, "--n", "1000", "--json");
            if (arch == "arm32") Error(doc, "usage");
        }
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Assert_in_irq_exits_1_with_the_steps_done(string arch)
    {
        var doc = Run("map", 1, "map", "--arch", arch, "--mfn", "1", "--in-irq", "--json");
        Assert.Equal("!in_irq()", Error(doc, "assert"));
        Assert.Equal("pmap_map", (string?)doc["error"]!["where"]);
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Panic_out_of_slots_exits_1(string arch)
    {
        var args = new List<string> { "map", "--arch", arch, "--json" };
        for (var i = 1; i <= 9; i++) args.AddRange(["--mfn", $"{i}"]);
        Assert.Equal("Out of PMAP slots", Error(Run("map", 1, [.. args]), "panic"));
    }

    [Fact]
    public void Bug_fixaddr_top_exits_1()
    {
        var args = new List<string> { "map", "--arch", "arm64", "--profile", "xen-4.17", "--unmap", "--json" };
        for (var i = 1; i <= 8; i++) args.AddRange(["--mfn", $"{i}"]);
        var doc = Run("map", 1, [.. args]);
        Assert.Equal("vaddr >= FIXADDR_TOP || vaddr < FIXADDR_START", Error(doc, "bug"));
        Assert.Equal("virt_to_fix", (string?)doc["error"]!["where"]);
    }

    [Fact]
    public void Strict_ordering_boot_exits_1() =>
        Error(Run("boot", 1, "boot", "--arch", "arm64", "--profile", "xen-4.17", "--strict-ordering", "--json"), "panic");

    [Theory]
    [InlineData("map", new[] { "map", "--arch", "arm64", "--json" })]
    [InlineData("map", new[] { "map", "--arch", "nope", "--mfn", "1", "--json" })]
    [InlineData("decode", new[] { "decode", "--arch", "x86", "zz", "--json" })]
    [InlineData("translate", new[] { "translate", "--arch", "riscv", "--va", "0x1000000000000", "--json" })]
    [InlineData("layout", new[] { "layout", "--arch", "arm64", "--profile", "nope", "--json" })]
    [InlineData("boot", new[] { "boot", "--arch", "arm64", "--ram-size", "3K", "--json" })]
    [InlineData("bench", new[] { "bench", "--workload", "W9", "--json" })]
    [InlineData("config", new[] { "config", "--num-fix-pmap", "0", "--json" })]
    [InlineData("conformance", new[] { "conformance", "--arch", "mips", "--json" })]
    [InlineData("verify", new[] { "verify", "--arch", "arm64", "--after", "smp", "--json" })]
    [InlineData("verify", new[] { "verify", "--arch", "arm64", "--xen-image", "/nonexistent/xen", "--json" })]
    [InlineData("compare", new[] { "compare", "--mfn", "-1", "--json" })]
    [InlineData("dump", new[] { "dump", "--arch", "arm64", "--after", "lunch", "--json" })]
    public void Usage_errors_exit_2(string schema, string[] args) => Error(Run(schema, 2, args), "usage");

    /// <summary>verify on each architecture: every VA agrees (exit 0); skipped, naming the Debian package, without QEMU.</summary>
    [Fact]
    public void No_plugins_exit_3()
    {
        var empty = Directory.CreateTempSubdirectory("pmap-empty-plugins-").FullName;
        try
        {
            // The binary without its bundled plugins: the empty configured folder is all there is.
            var list = RunIn(Cli.BareHost, "arch-list", 3, "arch", "list", "--plugins", empty, "--json");
            Error(list, "plugin");
            Assert.Empty(list["architectures"]!.AsArray());
            var layout = RunIn(Cli.BareHost, "layout", 3, "layout", "--plugins", empty, "--json");
            Assert.Contains((string?)layout["error"]!["kind"], new[] { "plugin", "config" });
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }

    /// <summary>The schemas bite: a decimal address, a missing field or an unknown error kind is refused.</summary>
    [Theory]
    [InlineData("decode", """{"arch":"x86","profile":"series-v5","level":1,"raw":"12345","kind":"page","valid":""" +
        """true,"outputAddress":null,"fields":[{"name":"P","bits":"0","value":"0x1","meaning":"present"}]}""")]
    [InlineData("decode", """{"arch":"x86","profile":"series-v5","level":1,"raw":"0x1","kind":"page","valid":""" +
        """true,"fields":[{"name":"P","bits":"0","value":"0x1","meaning":"present"}]}""")]
    [InlineData("map", """{"error":{"kind":"oops","message":"x","where":null}}""")]
    [InlineData("map", """{"error":{"kind":"usage","message":"x"}}""")]
    [InlineData("verify", """{"arch":"x86","profile":"p","scenario":"smp","qemu":"q","tablePages":1,"tablePagesMoved":0,"checked":1,"disagreements":0,"firstDisagreement":null,"modelSeconds":0,"qemuSeconds":0,"checks":[{"va":"0x1","what":"w","model":"0x1","qemu":"0x1","agrees":true}]}""")]
    [InlineData("bench", """{"workload":"W1","arch":"arm64","profile":"xen-4.17","gib":1,"ops":1.5,"nsPerOp":1,"seconds":1,"verifySeconds":0,"peakRssBytes":1,"tlbMisses":1,"tables":0,"frames":1,"check":"ok"}""")]
    public void Schemas_refuse_what_the_contract_forbids(string command, string json) =>
        Assert.False(Schema(command).Evaluate(JsonNode.Parse(json)).IsValid);

    [Fact]
    public void Every_command_has_a_schema()
    {
        var help = Cli.Process(null, "--help").Out;
        var commands = new[]
        {
            "arch", "layout", "map", "decode", "translate", "compare", "boot", "config", "bench", "conformance", "versions", "verify", "fuzz",
        };
        foreach (var c in commands) Assert.Contains("  " + c + " ", help);
        foreach (var c in commands) Assert.NotNull(Schema(c == "arch" ? "arch-list" : c));
    }
}
