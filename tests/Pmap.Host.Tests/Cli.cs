using System.Diagnostics;
using System.Reflection;
using System.Text.Json;

namespace Pmap.Host.Tests;

public sealed record CliResult(int Code, string Out, string Err)
{
    public JsonElement Json => JsonDocument.Parse(Out).RootElement;

    /// <summary>No .NET stack trace or exception type name ever reaches the user.</summary>
    public void AssertNoStackTrace()
    {
        Assert.DoesNotContain("   at ", Err);
        Assert.DoesNotContain("   at ", Out);
        Assert.DoesNotContain("Exception", Err);
    }
}

/// <summary>Runs the real host in-process (or as a process) against the real plugins folder its build produced.</summary>
public static class Cli
{
    public static string HostOutput { get; } = typeof(Cli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "HostOutput").Value!;

    public static string PluginsFolder => Path.Combine(HostOutput, "plugins");

    /// <summary>Every architecture name the real plugins folder provides (data for the per-architecture tests).</summary>
    public static IEnumerable<object[]> Architectures()
    {
        var r = Run("arch", "list", "--json");
        return r.Json.GetProperty("architectures").EnumerateArray().Select(a => new object[] { a.GetProperty("name").GetString()! }).ToList();
    }

    public static CliResult Run(params string[] args)
    {
        var full = args.Contains("--plugins") || args.Contains("--version") ? args : [.. args, "--plugins", PluginsFolder];
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = PmapApp.Run(full, stdout, stderr);
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>The built binary as a separate process (environment variables, appsettings.json beside it).</summary>
    public static CliResult Process(IDictionary<string, string>? env, params string[] args) => ProcessIn(HostOutput, env, args);

    /// <summary>A copy of the built binary without its bundled plugins/ folder: only --plugins provides architectures.</summary>
    public static string BareHost => BareHostCopy.Value;

    private static readonly Lazy<string> BareHostCopy = new(() =>
    {
        var dir = Directory.CreateTempSubdirectory("pmap-bare-host-").FullName;
        foreach (var f in Directory.GetFiles(HostOutput)) File.Copy(f, Path.Combine(dir, Path.GetFileName(f)));
        return dir;
    });

    /// <summary>The binary in <paramref name="host"/> as a process, with no per-user folder (PMAP_HOME points nowhere).</summary>
    public static CliResult ProcessIn(string host, IDictionary<string, string>? env, params string[] args) =>
        Dotnet(Path.Combine(host, "pmap.dll"), env, args);

    /// <summary>Any built program (pmap, or a bench tool beside it) as a process, run as <see cref="ProcessIn"/> runs pmap.</summary>
    public static CliResult Dotnet(string dll, IDictionary<string, string>? env, params string[] args) =>
        Exec("dotnet", [dll, .. args], env, Path.GetDirectoryName(dll)!);

    /// <summary>
    /// Any program as a process, with pmap's test environment (no per-user folder, NO_COLOR); <paramref name="env"/> wins.
    /// A wrapper (unshare, sh) runs pmap with the same environment.
    /// </summary>
    public static CliResult Exec(string program, IEnumerable<string> args, IDictionary<string, string>? env = null, string? workingDirectory = null)
    {
        var psi = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? HostOutput,
        };
        psi.Environment["PMAP_HOME"] = Path.Combine(Path.GetTempPath(), "pmap-no-home-" + Guid.NewGuid().ToString("n"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["NO_COLOR"] = "1";
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        using var p = System.Diagnostics.Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        return new CliResult(p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>A fresh folder holding only the one test plugin the project file publishes into refused-plugins/.</summary>
    public static string RefusedPlugin(string plugin)
    {
        var dir = Directory.CreateTempSubdirectory("pmap-refused-").FullName;
        var src = Path.Combine(AppContext.BaseDirectory, "refused-plugins", plugin);
        Directory.CreateDirectory(Path.Combine(dir, plugin));
        foreach (var f in Directory.GetFiles(src)) File.Copy(f, Path.Combine(dir, plugin, Path.GetFileName(f)));
        return dir;
    }

    /// <summary>The folder holding the hostile test plugin alone (it misbehaves as HOSTILE_PLUGIN asks).</summary>
    public static string HostilePlugins => Path.Combine(AppContext.BaseDirectory, "hostileplugins");

    /// <summary>pmap with only the hostile plugin, behaving as <paramref name="behaviour"/> asks, as a process.</summary>
    public static CliResult Hostile(string behaviour, params string[] args) =>
        ProcessIn(BareHost, new Dictionary<string, string> { ["HOSTILE_PLUGIN"] = behaviour }, [.. args, "--plugins", HostilePlugins]);

    /// <summary>A fresh temp folder holding copies of the given real plugins.</summary>
    public static string TempPlugins(params string[] names)
    {
        var dir = Path.Combine(Path.GetTempPath(), "pmap-plugins-" + Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(dir);
        foreach (var name in names)
        {
            var src = Path.Combine(PluginsFolder, name);
            var dst = Path.Combine(dir, name);
            Directory.CreateDirectory(dst);
            foreach (var f in Directory.GetFiles(src)) File.Copy(f, Path.Combine(dst, Path.GetFileName(f)));
        }
        return dir;
    }
}
