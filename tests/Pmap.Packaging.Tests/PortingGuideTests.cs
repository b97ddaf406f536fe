using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Pmap.Packaging.Tests;

/// <summary>
/// docs/PORTING.md's first commands, as the guide prints them (read from its fenced block, so the guide cannot drift), run by
/// a shell in a fresh copy of the repository with an empty package cache and a template hive of its own: they pack, install
/// the template, create the port with its own nuget.config, and its tests build against the packages and fail saying what
/// is missing. Nothing user-wide is edited.
/// </summary>
public sealed partial class PortingGuideTests : IDisposable
{
    private const string SetupDone = "== porting-guide setup done ==";
    private readonly Sandbox _box = new();

    public void Dispose()
    {
        try
        {
            Directory.Delete(_box.Root, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A temp folder left behind is harmless.
        }
    }

    [GeneratedRegex(@"## 1\. Start from the template.*?```sh\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex FirstBlock();

    /// <summary>The shell lines of PORTING.md's "Start from the template" block, verbatim.</summary>
    public static IReadOnlyList<string> GuideCommands()
    {
        var guide = File.ReadAllText(Path.Combine(Sandbox.Repo, "docs", "PORTING.md")).ReplaceLineEndings("\n");
        var block = FirstBlock().Match(guide);
        Assert.True(block.Success, "PORTING.md has no sh block under \"## 1. Start from the template\"");
        return [.. block.Groups[1].Value.Split('\n').Where(l => l.Trim().Length > 0)];
    }

    [Fact]
    public void The_guide_names_no_user_wide_setting()
    {
        var commands = GuideCommands();
        Assert.DoesNotContain(commands, c => c.Contains("dotnet nuget add source", StringComparison.Ordinal));
        Assert.Equal("dotnet test", commands[^1].Split('#')[0].Trim());
    }

    [Fact]
    public void The_guides_commands_work_verbatim_from_a_fresh_copy()
    {
        var repo = Path.Combine(_box.Work, "pmap");
        CopyRepository(repo);
        var commands = GuideCommands();
        // Every line but the last must succeed; the last (dotnet test) fails by design, saying what is missing.
        var script = string.Join('\n', ["set -e", .. commands.Take(commands.Count - 1), $"echo '{SetupDone}'", "set +e", commands[^1]]);
        var run = Shell(repo, script);

        Assert.True(run.Out.Contains(SetupDone, StringComparison.Ordinal), run.All);
        Assert.DoesNotContain("error CS", run.Out);
        Assert.DoesNotContain("error NU", run.Out);
        Assert.NotEqual(0, run.Code);
        Assert.Contains("riscv upstream: every PMAP slot maps and unmaps: NotImplementedException: TODO: arch_pmap_map", run.Out);

        // The port's own nuget.config names the feed by its absolute path; the template went to the private hive.
        var config = File.ReadAllText(Path.Combine(repo, "ports", "riscv", "nuget.config"));
        Assert.Contains($"<add key=\"pmap\" value=\"{Path.Combine(repo, "artifacts")}\" />", config);
        Assert.True(Directory.Exists(Path.Combine(_box.Root, "cli-home", ".templateengine")));
    }

    // The checkout's files as git sees them (tracked and new, nothing ignored): what a fresh clone of this state holds.
    private static void CopyRepository(string target)
    {
        var psi = new ProcessStartInfo("git", ["-C", Sandbox.Repo, "ls-files", "-z", "--cached", "--others", "--exclude-standard"])
        {
            RedirectStandardOutput = true,
        };
        using var git = Process.Start(psi)!;
        var files = git.StandardOutput.ReadToEnd().Split('\0', StringSplitOptions.RemoveEmptyEntries);
        git.WaitForExit();
        Assert.Equal(0, git.ExitCode);
        foreach (var file in files)
        {
            var from = Path.Combine(Sandbox.Repo, file);
            if (!File.Exists(from)) continue; // deleted in the working tree
            var to = Path.Combine(target, file);
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(from, to);
        }
    }

    // bash with the sandbox's private package cache and PMAP_HOME, and a CLI home of its own (dotnet new's template hive).
    private Run Shell(string workDir, string script)
    {
        var psi = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = workDir
        };
        psi.Environment["DOTNET_NOLOGO"] = "1";
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["NO_COLOR"] = "1";
        psi.Environment["NUGET_PACKAGES"] = Path.Combine(_box.Root, "nuget-cache");
        psi.Environment["PMAP_HOME"] = _box.PmapHome;
        psi.Environment["DOTNET_CLI_HOME"] = Path.Combine(_box.Root, "cli-home");
        using var p = Process.Start(psi)!;
        p.StandardInput.Write(script + "\n");
        p.StandardInput.Close();
        var o = p.StandardOutput.ReadToEndAsync();
        var e = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        return new Run(p.ExitCode, o.Result, e.Result);
    }
}
