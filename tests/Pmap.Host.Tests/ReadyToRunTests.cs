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
    /// <summary>On unless the build said -p:PmapReadyToRun=false; the compiler runs on linux-x64 and linux-arm64 only.</summary>
    private static bool Precompiled =>
        typeof(ReadyToRunTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "PmapReadyToRun").Value != "false"
        && RuntimeInformation.RuntimeIdentifier is "linux-x64" or "linux-arm64";

    /// <summary>A ReadyToRun image: its CLI header points to the native code's header (ManagedNativeHeader), which IL has not.</summary>
    public static bool IsReadyToRun(string dll)
    {
        using var pe = new PEReader(File.OpenRead(dll));
        return pe.PEHeaders.CorHeader?.ManagedNativeHeaderDirectory.Size > 0;
    }

    [Fact]
    public void The_host_and_every_shipped_plugin_carry_precompiled_code_and_the_machine_is_left_to_the_jit()
    {
        if (!Precompiled) return;
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
