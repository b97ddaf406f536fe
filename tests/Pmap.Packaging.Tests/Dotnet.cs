using System.Diagnostics;
using System.Reflection;

namespace Pmap.Packaging.Tests;

public sealed record Run(int Code, string Out, string Err)
{
    public string All => Out + Err;
}

/// <summary>
/// A sandbox as a porter's machine sees it: a private NuGet cache, a feed of the packed packages (plus the usual feeds for
/// third-party packages), a private template hive and a private PMAP_HOME.
/// </summary>
public sealed class Sandbox
{
    private static string Meta(string key) =>
        typeof(Sandbox).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    public static string Repo { get; } = Meta("RepoRoot");
    public static string Version { get; } = Meta("PackageVersion");

    public Sandbox()
    {
        Root = Path.Combine(Path.GetTempPath(), "pmap-packaging-" + Guid.NewGuid().ToString("n"));
        foreach (var d in new[] { Root, Artifacts, Work, PmapHome }) Directory.CreateDirectory(d);
        // The machine's package cache serves as a read-only feed for third-party packages: no download when they are there.
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } set ? set
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var local = Directory.Exists(cache) ? $"""<add key="machine-cache" value="{cache}" />""" : "";
        File.WriteAllText(Path.Combine(Root, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="pmap" value="{Artifacts}" />
                {local}
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
            </configuration>
            """);
    }

    public string Root { get; }
    public string Artifacts => Path.Combine(Root, "artifacts");
    public string Work => Path.Combine(Root, "work");
    public string PmapHome => Path.Combine(Root, "home");

    /// <summary>The porter's own PMAP_HOME, so the filled-in port never shows in the other tests' listings.</summary>
    public string PorterHome => Path.Combine(Root, "porter-home");
    public string Tools => Path.Combine(Root, "tools");
    public string Hive => Path.Combine(Root, "hive");
    public string Pmap => Path.Combine(Tools, OperatingSystem.IsWindows() ? "pmap.exe" : "pmap");

    public Run Dotnet(string workDir, params string[] args) => Exec("dotnet", workDir, args);

    public Run Exec(string file, string workDir, params string[] args) => Exec(PmapHome, file, workDir, args);

    /// <summary>The installed tool, with <paramref name="home"/> as PMAP_HOME.</summary>
    public Run Tool(string home, params string[] args) => Exec(home, Pmap, Work, args);

    private Run Exec(string home, string file, string workDir, string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workDir };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_NOLOGO"] = "1";
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["NO_COLOR"] = "1";
        psi.Environment["NUGET_PACKAGES"] = Path.Combine(Root, "nuget-cache");
        psi.Environment["PMAP_HOME"] = home;
        using var p = Process.Start(psi)!;
        var o = p.StandardOutput.ReadToEndAsync();
        var e = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        return new Run(p.ExitCode, o.Result, e.Result);
    }
}

/// <summary>One pack of the repository, one tool install and one template install, shared by the tests of a class.</summary>
public sealed class PackedRepository : IDisposable
{
    public static readonly string[] Packed = ["Pmap.Host/Pmap.Host.csproj", "Pmap.Port/Pmap.Port.csproj", "Pmap.Core/Pmap.Core.csproj",
        "Pmap.Conformance/Pmap.Conformance.csproj", "templates/Pmap.Templates.csproj"];

    public PackedRepository()
    {
        // An artifacts path of its own: the pack never touches the checkout's bin/ and obj/ that other tests use.
        foreach (var project in Packed)
        {
            var pack = Box.Dotnet(Sandbox.Repo, "pack", Path.Combine(Sandbox.Repo, project), "-o", Box.Artifacts,
                "--artifacts-path", Path.Combine(Box.Root, "build"));
            Pack.Add(pack);
            if (pack.Code != 0) return;
        }
        ToolInstall = Box.Dotnet(Box.Root, "tool", "install", "--tool-path", Box.Tools, "--add-source", Box.Artifacts, "pmap");
        TemplateInstall = Box.Dotnet(Box.Root, "new", "install", Path.Combine(Box.Artifacts, $"Pmap.Templates.{Sandbox.Version}.nupkg"),
            "--debug:custom-hive", Box.Hive);
    }

    public Sandbox Box { get; } = new();
    public List<Run> Pack { get; } = [];
    public Run? ToolInstall { get; }
    public Run? TemplateInstall { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Box.Root, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A temp folder left behind is harmless.
        }
    }
}
