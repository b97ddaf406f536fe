using System.IO.Compression;
using System.Text.Json;

namespace Pmap.Packaging.Tests;

/// <summary>
/// dotnet pack, then everything a user and a porter do with the packages alone: install the tool, run it, instantiate
/// the template against Pmap.Core and Pmap.Conformance, drop a port into the per-user plugins folder.
/// </summary>
public class PackageTests(PackedRepository packed) : IClassFixture<PackedRepository>
{
    private static readonly string[] Plugins = ["Pmap.Arch.Arm32", "Pmap.Arch.Arm64", "Pmap.Arch.RiscV", "Pmap.Arch.X86"];
    private readonly Sandbox _box = packed.Box;

    private void Packed()
    {
        foreach (var p in packed.Pack) Assert.True(p.Code == 0, p.All);
        Assert.Equal(PackedRepository.Packed.Length, packed.Pack.Count);
    }

    private string Package(string id, string ext = "nupkg") => Path.Combine(_box.Artifacts, $"{id}.{Sandbox.Version}.{ext}");

    private static List<string> Entries(string nupkg)
    {
        using var zip = ZipFile.OpenRead(nupkg);
        return zip.Entries.Select(e => e.FullName).ToList();
    }

    [Fact]
    public void Pack_gives_the_tool_with_its_plugins_the_sdk_packages_with_symbols_and_the_template()
    {
        Packed();
        foreach (var id in new[] { "pmap", "Pmap.Port", "Pmap.Core", "Pmap.Conformance" }) Assert.True(File.Exists(Package(id, "snupkg")), id);

        var tool = Entries(Package("pmap"));
        Assert.Contains("tools/net10.0/any/DotnetToolSettings.xml", tool);
        foreach (var plugin in Plugins) Assert.Contains($"tools/net10.0/any/plugins/{plugin}/{plugin}.dll", tool);
        Assert.DoesNotContain(tool, e => e.Contains("/plugins/", StringComparison.Ordinal)
            && (e.EndsWith("/Pmap.Port.dll", StringComparison.Ordinal) || e.EndsWith("/Pmap.Core.dll", StringComparison.Ordinal)));

        // The contract ships its XML documentation and nothing of the engine; the engine depends on it by version, and the
        // conformance kit on the engine, nothing of the host.
        var port = Entries(Package("Pmap.Port"));
        Assert.Contains("lib/net10.0/Pmap.Port.dll", port);
        Assert.Contains("lib/net10.0/Pmap.Port.xml", port);
        Assert.DoesNotContain(port, e => e.Contains("Pmap.Core", StringComparison.Ordinal) || e.Contains("Hosting", StringComparison.Ordinal));
        var core = Entries(Package("Pmap.Core"));
        Assert.Contains("lib/net10.0/Pmap.Core.dll", core);
        Assert.DoesNotContain(core, e => e.Contains("Hosting", StringComparison.Ordinal));
        using (var zip = ZipFile.OpenRead(Package("Pmap.Core")))
        {
            using var nuspec = new StreamReader(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
            Assert.Contains($"<dependency id=\"Pmap.Port\" version=\"{Sandbox.Version}\"", nuspec.ReadToEnd());
        }
        using (var zip = ZipFile.OpenRead(Package("Pmap.Conformance")))
        {
            using var nuspec = new StreamReader(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
            var text = nuspec.ReadToEnd();
            Assert.Contains($"<dependency id=\"Pmap.Core\" version=\"{Sandbox.Version}\"", text);
            Assert.Contains("<repository type=\"git\"", text);
        }

        var template = Entries(Package("Pmap.Templates"));
        Assert.Contains("content/pmap-arch/.template.config/template.json", template);
        Assert.DoesNotContain(template, e => e.Contains("/bin/", StringComparison.Ordinal) || e.Contains("/obj/", StringComparison.Ordinal));
    }

    [Fact]
    public void The_installed_tool_compares_four_architectures_and_x86_passes_its_conformance()
    {
        Packed();
        Assert.True(packed.ToolInstall!.Code == 0, packed.ToolInstall.All);

        var compare = _box.Tool(_box.PmapHome, "compare", "--json");
        Assert.True(compare.Code == 0, compare.All);
        var archs = JsonDocument.Parse(compare.Out).RootElement.GetProperty("architectures").EnumerateArray()
            .Select(a => a.GetProperty("arch").GetString()).Order().ToList();
        Assert.Equal(["arm32", "arm64", "riscv", "x86"], archs);

        var conformance = _box.Tool(_box.PmapHome, "conformance", "--arch", "x86");
        Assert.True(conformance.Code == 0, conformance.All);
        Assert.Matches(@"(\d+) of \1 checks pass", conformance.Out);

        var list = JsonDocument.Parse(_box.Tool(_box.PmapHome, "arch", "list", "--json").Out).RootElement;
        Assert.All(list.GetProperty("architectures").EnumerateArray(), a => Assert.Equal("bundled", a.GetProperty("source").GetString()));
    }

    [Fact]
    public void A_port_from_the_template_package_fails_honestly_then_loads_from_the_user_folder_once_filled_in()
    {
        Packed();
        Assert.True(packed.TemplateInstall!.Code == 0, packed.TemplateInstall.All);
        Assert.True(packed.ToolInstall!.Code == 0, packed.ToolInstall.All);
        var create = _box.Dotnet(_box.Work, "new", "pmap-arch", "-n", "Contoso.Arch.Mips", "--debug:custom-hive", _box.Hive);
        Assert.True(create.Code == 0, create.All);
        var port = Path.Combine(_box.Work, "Contoso.Arch.Mips");
        var source = Path.Combine(port, "Contoso.Arch.Mips", "MipsArchitecture.cs");
        Assert.True(File.Exists(source));
        var files = Directory.GetFiles(port, "*", SearchOption.AllDirectories);
        Assert.DoesNotContain(files, f => f.Contains("Template", StringComparison.Ordinal));
        Assert.DoesNotContain(files, f => File.ReadAllText(f).Contains("Template", StringComparison.Ordinal));
        var csproj = File.ReadAllText(Path.Combine(port, "Contoso.Arch.Mips", "Contoso.Arch.Mips.csproj"));
        Assert.Contains("<PackageReference Include=\"Pmap.Port\" Version=\"$(PmapVersion)\"", csproj);
        Assert.Contains($"<PmapVersion>{Sandbox.Version}</PmapVersion>", File.ReadAllText(Path.Combine(port, "Directory.Build.props")));

        // dotnet test from the new folder: builds against the packages, fails saying what is missing.
        var test = _box.Dotnet(port, "test");
        Assert.DoesNotContain("error CS", test.Out);
        Assert.DoesNotContain("error NU", test.Out);
        Assert.NotEqual(0, test.Code);
        Assert.Contains("mips upstream: every PMAP slot maps and unmaps: NotImplementedException: TODO: arch_pmap_map", test.Out);
        Assert.Matches(@"Failed:\s+[1-8],", test.Out);

        // A trivial but complete port (the repository's test architecture) in its place, published into PMAP_HOME/plugins.
        File.WriteAllText(source, TrivialPort());
        var target = Path.Combine(_box.PorterHome, "plugins", "Contoso.Arch.Mips");
        var publish = _box.Dotnet(port, "publish", "Contoso.Arch.Mips", "-o", target);
        Assert.True(publish.Code == 0, publish.All);
        Assert.False(File.Exists(Path.Combine(target, "Pmap.Port.dll"))); // the contract is the tool's
        Assert.False(File.Exists(Path.Combine(target, "Pmap.Core.dll"))); // and the engine nothing of the port's

        var list = _box.Tool(_box.PorterHome, "arch", "list", "--json");
        Assert.True(list.Code == 0, list.All);
        var root = JsonDocument.Parse(list.Out).RootElement;
        Assert.Empty(root.GetProperty("failures").EnumerateArray());
        var mips = root.GetProperty("architectures").EnumerateArray().Single(a => a.GetProperty("name").GetString() == "mips");
        Assert.Equal(("user", "plugins/Contoso.Arch.Mips/Contoso.Arch.Mips.dll"),
            (mips.GetProperty("source").GetString(), mips.GetProperty("path").GetString()));
        Assert.Contains("│ mips ", _box.Tool(_box.PorterHome, "arch", "list").Out);
    }

    /// <summary>The fake architecture of the repository's plugin tests, renamed into the new port.</summary>
    private static string TrivialPort()
    {
        var fake = File.ReadAllText(Path.Combine(Sandbox.Repo, "tests", "TestPlugins", "Shared", "FakeArch.cs"))
            .Replace("namespace Pmap.TestArch;", "namespace Contoso.Arch.Mips;", StringComparison.Ordinal)
            .Replace("Fake", "Mips", StringComparison.Ordinal)
            .Replace("string name = \"fake\"", "string name = \"mips\"", StringComparison.Ordinal);
        return fake + """

            public sealed class MipsPlugin() : ArchitecturePlugin<MipsArchitecture>(PmapContract.Version);
            """;
    }
}
