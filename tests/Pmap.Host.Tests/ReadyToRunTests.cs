using System.Reflection;
using System.Reflection.PortableExecutable;
using System.Runtime.InteropServices;

namespace Pmap.Host.Tests;

/// <summary>
/// The build's output carries precompiled (ReadyToRun) code, so that a light command does not spend its start-up in the JIT:
/// every assembly of the host's folder and of each shipped plugin's folder, but the machine W1-W3 time, Pmap.Core, which is
/// left to the JIT and its profile (README, start-up).
/// </summary>
public class ReadyToRunTests
{
    /// <summary>Why this build has no precompiled code to check, or null: on unless -p:PmapReadyToRun=false; the compiler runs on linux-x64 and linux-arm64 only.</summary>
    internal static string? NotPrecompiled =>
        typeof(ReadyToRunTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "PmapReadyToRun").Value == "false"
            ? "the build was made with -p:PmapReadyToRun=false"
            : RuntimeInformation.RuntimeIdentifier is "linux-x64" or "linux-arm64" ? null
            : $"ReadyToRun is compiled on linux-x64 and linux-arm64 only, not {RuntimeInformation.RuntimeIdentifier}";

    /// <summary>A ReadyToRun image: its CLI header points to the native code's header (ManagedNativeHeader), which IL has not.</summary>
    public static bool IsReadyToRun(string dll)
    {
        using var pe = new PEReader(File.OpenRead(dll));
        return pe.PEHeaders.CorHeader?.ManagedNativeHeaderDirectory.Size > 0;
    }

    [PrecompiledFact]
    public void The_host_and_every_shipped_plugin_carry_precompiled_code_and_the_machine_is_left_to_the_jit()
    {
        var plugins = Directory.GetDirectories(Cli.PluginsFolder);
        Assert.Equal(4, plugins.Length);
        var assemblies = Directory.GetFiles(Cli.HostOutput, "*.dll").Concat(plugins.SelectMany(p => Directory.GetFiles(p, "*.dll"))).ToList();
        foreach (var name in new[] { "pmap.dll", "Pmap.Port.dll", "Pmap.Arch.Arm64.dll", "Pmap.Arch.Arm.dll", "Pmap.Arch.X86.dll" })
            Assert.Contains(assemblies, a => Path.GetFileName(a) == name);
        var core = Path.Combine(Cli.HostOutput, "Pmap.Core.dll");
        Assert.False(IsReadyToRun(core));
        Assert.All(assemblies.Where(a => a != core), a => Assert.True(IsReadyToRun(a), $"{a} is IL only"));
    }
}

/// <summary>A fact about the build's precompiled code: reported as skipped, with the reason, when the build has none.</summary>
public sealed class PrecompiledFactAttribute : FactAttribute
{
    public PrecompiledFactAttribute()
    {
        if (ReadyToRunTests.NotPrecompiled is { } reason) Skip = reason;
    }
}
