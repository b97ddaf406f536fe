using System.Diagnostics;
using System.Reflection;
using System.Text.Json;

namespace Pmap.Ports.Tests;

/// <summary>The path an outside porter takes: build a plugin on its own, drop it in, run the unchanged host.</summary>
public class OutsidePorterTests
{
    private static string Meta(string key) => typeof(OutsidePorterTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
    private static readonly string Repo = Meta("RepoRoot");
    private static readonly string HostOutput = Path.Combine(Repo, "Pmap.Host", "bin", Meta("Configuration"), "net10.0");

    private static (int Code, string Out, string Err) Run(string file, string workDir, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workDir };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_NOLOGO"] = "1";
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["NO_COLOR"] = "1";
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
        Assert.False(File.Exists(Path.Combine(plugins, "Pmap.Arch.RiscV", "Pmap.Core.dll"))); // the contract is the host's

        var hostStamp = File.GetLastWriteTimeUtc(Path.Combine(HostOutput, "pmap.dll"));
        var r = Run("dotnet", HostOutput, Path.Combine(HostOutput, "pmap.dll"), "compare", "--json", "--plugins", plugins);
        Assert.True(r.Code == 0, r.Err);
        var archs = JsonDocument.Parse(r.Out).RootElement.GetProperty("architectures").EnumerateArray().Select(a => a.GetProperty("arch").GetString()).ToList();
        Assert.Equal(new[] { "arm32", "arm64", "riscv", "x86" }, archs.Order());
        Assert.Equal(hostStamp, File.GetLastWriteTimeUtc(Path.Combine(HostOutput, "pmap.dll"))); // no rebuild of the host

        var map = Run("dotnet", HostOutput, Path.Combine(HostOutput, "pmap.dll"), "map", "--arch", "riscv", "--mfn", "0x12345", "--json", "--plugins", plugins);
        var step = JsonDocument.Parse(map.Out).RootElement.GetProperty("steps")[0];
        Assert.Equal(("0xffffffffc1800000", "0x48d1407", 0), (step.GetProperty("va").GetString(), step.GetProperty("pte").GetString(), step.GetProperty("slot").GetInt32()));
    }

    [Fact]
    public void The_template_instantiates_into_a_plugin_that_builds_and_fails_its_conformance_honestly()
    {
        var hive = Temp("hive");
        var work = Temp("port");
        var template = Path.Combine(Repo, "templates", "pmap-arch");
        var install = Run("dotnet", work, "new", "install", template, "--debug:custom-hive", hive);
        Assert.True(install.Code == 0, install.Out + install.Err);
        var create = Run("dotnet", work, "new", "pmap-arch", "-n", "Pmap.Arch.Toy", "-o", Path.Combine(work, "toy"),
            "--PmapRoot", Repo, "--ArchName", "toy", "--debug:custom-hive", hive);
        Assert.True(create.Code == 0, create.Out + create.Err);
        Assert.True(File.Exists(Path.Combine(work, "toy", "Pmap.Arch.Toy", "Pmap.Arch.Toy.csproj")));

        var test = Run("dotnet", Path.Combine(work, "toy"), "test", Path.Combine(work, "toy", "Pmap.Arch.Toy.Tests"));
        var output = test.Out + test.Err;
        Assert.DoesNotContain("error CS", output);               // it builds
        Assert.NotEqual(0, test.Code);                           // and fails, honestly
        Assert.Contains("TODO: arch_pmap_map", output);          // saying what is missing
        Assert.Matches(@"Failed:\s+[1-8],", output);
    }
}
