using System.Diagnostics;
using System.Reflection;
using System.Text.Json;

namespace Pmap.Ports.Tests;

/// <summary>The path an outside porter takes: build a plugin on its own, drop it in, run the unchanged host.</summary>
public class OutsidePorterTests
{
    private static string Meta(string key) =>
        typeof(OutsidePorterTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
    private static readonly string Repo = Meta("RepoRoot");
    private static readonly string HostOutput = Path.Combine(Repo, "Pmap.Host", "bin", Meta("Configuration"), "net10.0");

    private static (int Code, string Out, string Err) Run(string file, string workDir, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workDir };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_NOLOGO"] = "1";
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["NO_COLOR"] = "1";
        psi.Environment["PMAP_HOME"] = Path.Combine(Path.GetTempPath(), "pmap-no-home"); // no per-user plugins or settings
        using var p = Process.Start(psi)!;
        var o = p.StandardOutput.ReadToEndAsync();
        var e = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        return (p.ExitCode, o.Result, e.Result);
    }

    private static string Temp(string name)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"pmap-{name}-{Guid.NewGuid():n}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    [Fact]
    public void The_riscv_plugin_built_alone_loads_into_the_already_built_host()
    {
        // Every plugin built on its own, the way a user adds one to an installed host.
        var plugins = Temp("plugins");
        foreach (var name in new[] { "Pmap.Arch.Arm64", "Pmap.Arch.Arm32", "Pmap.Arch.X86", "Pmap.Arch.RiscV" })
        {
            var publish = Run("dotnet", Repo, "publish", Path.Combine(Repo, name, name + ".csproj"), "-c", "Release",
                "-o", Path.Combine(plugins, name), "-p:UseAppHost=false");
            Assert.True(publish.Code == 0, publish.Out + publish.Err);
        }
        Assert.False(File.Exists(Path.Combine(plugins, "Pmap.Arch.RiscV", "Pmap.Port.dll"))); // the contract is the host's

        // The built host without its bundled plugins: the ones built alone are the ones it loads.
        var hostStamp = File.GetLastWriteTimeUtc(Path.Combine(HostOutput, "pmap.dll"));
        var host = Temp("host");
        foreach (var f in Directory.GetFiles(HostOutput)) File.Copy(f, Path.Combine(host, Path.GetFileName(f)));
        var r = Run("dotnet", host, Path.Combine(host, "pmap.dll"), "compare", "--json", "--plugins", plugins);
        Assert.True(r.Code == 0, r.Err);
        var archs = JsonDocument.Parse(r.Out).RootElement.GetProperty("architectures").EnumerateArray()
            .Select(a => a.GetProperty("arch").GetString()).ToList();
        Assert.Equal(new[] { "arm32", "arm64", "riscv", "x86" }, archs.Order());
        Assert.Equal(hostStamp, File.GetLastWriteTimeUtc(Path.Combine(HostOutput, "pmap.dll"))); // no rebuild of the host

        var list = JsonDocument.Parse(Run("dotnet", host, Path.Combine(host, "pmap.dll"), "arch", "list", "--json", "--plugins", plugins).Out);
        Assert.All(list.RootElement.GetProperty("architectures").EnumerateArray(),
            a => Assert.Equal("configured", a.GetProperty("source").GetString()));
        var map = Run("dotnet", host, Path.Combine(host, "pmap.dll"), "map", "--arch", "riscv", "--mfn", "0x12345", "--json", "--plugins", plugins);
        var step = JsonDocument.Parse(map.Out).RootElement.GetProperty("steps")[0];
        Assert.Equal(("0xffffffffc1800000", "0x48d1407", 0),
            (step.GetProperty("va").GetString(), step.GetProperty("pte").GetString(), step.GetProperty("slot").GetInt32()));
    }

    [Fact]
    public void The_template_names_everything_after_the_port_and_references_the_packages_by_version()
    {
        // Building against the packages is Pmap.Packaging.Tests' job; here: what the template writes.
        var hive = Temp("hive");
        var work = Temp("port");
        var install = Run("dotnet", work, "new", "install", Path.Combine(Repo, "templates", "pmap-arch"), "--debug:custom-hive", hive);
        Assert.True(install.Code == 0, install.Out + install.Err);
        var create = Run("dotnet", work, "new", "pmap-arch", "-n", "Contoso.Arch.Mips", "--PmapVersion", "9.8.7", "--debug:custom-hive", hive);
        Assert.True(create.Code == 0, create.Out + create.Err);

        var port = Path.Combine(work, "Contoso.Arch.Mips");
        var files = Directory.GetFiles(port, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(port, f).Replace('\\', '/')).Order();
        Assert.Equal(new[] { "Contoso.Arch.Mips.Tests/ConformanceTests.cs", "Contoso.Arch.Mips.Tests/Contoso.Arch.Mips.Tests.csproj",
            "Contoso.Arch.Mips.slnx", "Contoso.Arch.Mips/Contoso.Arch.Mips.csproj", "Contoso.Arch.Mips/MipsArchitecture.cs",
            "Directory.Build.props", "Directory.Packages.props" }, files);
        var code = File.ReadAllText(Path.Combine(port, "Contoso.Arch.Mips", "MipsArchitecture.cs"));
        Assert.Contains("public sealed class MipsPlugin() : ArchitecturePlugin<MipsArchitecture>(PmapContract.Version);", code);
        Assert.Contains("Architecture<MipsProfile>(\"mips\",", code); // --arch name: the last part of -n, lower case
        Assert.Contains("namespace Contoso.Arch.Mips.Tests;", File.ReadAllText(Path.Combine(port, "Contoso.Arch.Mips.Tests", "ConformanceTests.cs")));
        Assert.DoesNotContain(Directory.GetFiles(port, "*", SearchOption.AllDirectories),
            f => File.ReadAllText(f).Contains("Template", StringComparison.Ordinal));

        Assert.Contains("<PmapVersion>9.8.7</PmapVersion>", File.ReadAllText(Path.Combine(port, "Directory.Build.props")));
        Assert.Contains("<PackageReference Include=\"Pmap.Port\" Version=\"$(PmapVersion)\" ExcludeAssets=\"runtime\" />",
            File.ReadAllText(Path.Combine(port, "Contoso.Arch.Mips", "Contoso.Arch.Mips.csproj")));
        Assert.Contains("<PackageReference Include=\"Pmap.Conformance\" Version=\"$(PmapVersion)\" />",
            File.ReadAllText(Path.Combine(port, "Contoso.Arch.Mips.Tests", "Contoso.Arch.Mips.Tests.csproj")));

        var named = Run("dotnet", work, "new", "pmap-arch", "-n", "Acme.Sparc", "--ArchName", "sparc64", "--debug:custom-hive", hive);
        Assert.True(named.Code == 0, named.Out + named.Err);
        var sparc = File.ReadAllText(Path.Combine(work, "Acme.Sparc", "Acme.Sparc", "SparcArchitecture.cs"));
        Assert.Contains("Architecture<SparcProfile>(\"sparc64\",", sparc);

        // A lower-case -n still gives C# type names (PascalCase: the first letter upper), and the --arch name as given.
        var lower = Run("dotnet", work, "new", "pmap-arch", "-n", "loongarch64", "--debug:custom-hive", hive);
        Assert.True(lower.Code == 0, lower.Out + lower.Err);
        var loong = File.ReadAllText(Path.Combine(work, "loongarch64", "loongarch64", "Loongarch64Architecture.cs"));
        Assert.Contains("public sealed class Loongarch64Plugin() : ArchitecturePlugin<Loongarch64Architecture>(PmapContract.Version);", loong);
        Assert.Contains("Architecture<Loongarch64Profile>(\"loongarch64\",", loong);
    }
}
