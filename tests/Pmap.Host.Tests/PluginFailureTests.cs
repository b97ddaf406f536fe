using System.Reflection.PortableExecutable;

namespace Pmap.Host.Tests;

/// <summary>
/// Broken plugins folders, through a host copy with no bundled plugins: the contract's code, one line each, never fatal to the rest.
/// </summary>
public class PluginFailureTests
{
    private static CliResult Bare(string plugins, params string[] args) =>
        Cli.ProcessIn(Cli.BareHost, null, [.. args, "--plugins", plugins, "--json"]);

    private static string Error(CliResult r, int code, string kind)
    {
        r.AssertNoStackTrace();
        Assert.True(code == r.Code, $"exit {r.Code}: {r.Err}");
        var error = r.Json.GetProperty("error");
        Assert.Equal(kind, error.GetProperty("kind").GetString());
        return error.GetProperty("message").GetString()!;
    }

    [Fact]
    public void Asking_for_an_architecture_whose_plugin_failed_is_a_plugin_error_naming_the_failure()
    {
        var plugins = Cli.TempPlugins("Pmap.Arch.Arm64", "Pmap.Arch.X86");
        var dll = Path.Combine(plugins, "Pmap.Arch.X86", "Pmap.Arch.X86.dll");
        File.WriteAllBytes(dll, [.. File.ReadAllBytes(dll).Take(300)]); // cut short: no longer a loadable image
        var message = Error(Bare(plugins, "layout", "--arch", "x86"), 3, "plugin");
        Assert.Contains("architecture 'x86' is not loaded (loaded are arm64)", message);
        Assert.Contains("Pmap.Arch.X86.dll", message);
        // A misspelt name with every plugin loaded stays a usage error.
        Assert.Equal(2, Bare(Cli.TempPlugins("Pmap.Arch.Arm64"), "layout", "--arch", "x68").Code);
    }

    [Fact]
    public void An_empty_plugins_folder_is_a_plugin_error_for_every_command()
    {
        var empty = Directory.CreateTempSubdirectory("pmap-empty-").FullName;
        foreach (var args in new[] { new[] { "map", "--arch", "arm64", "--mfn", "1" }, ["layout"] })
            Assert.StartsWith("no architecture plugins loaded from", Error(Bare(empty, args), 3, "plugin"));
    }

    [Fact]
    public void A_duplicate_architecture_names_both_copies_and_uses_the_first()
    {
        var plugins = Cli.TempPlugins("Pmap.Arch.X86");
        // A second copy under a name that sorts first: it is found first, and the line names both paths.
        var copy = Path.Combine(plugins, "AAA.X86");
        Directory.CreateDirectory(copy);
        foreach (var f in Directory.GetFiles(Path.Combine(plugins, "Pmap.Arch.X86")))
            File.Copy(f, Path.Combine(copy, Path.GetFileName(f).Replace("Pmap.Arch.X86", "AAA.X86", StringComparison.Ordinal)));
        var r = Bare(plugins, "arch", "list");
        Assert.Equal(0, r.Code);
        var failure = Assert.Single(r.Json.GetProperty("failures").EnumerateArray());
        Assert.Contains("Pmap.Arch.X86.dll", failure.GetProperty("path").GetString());
        Assert.Contains("AAA.X86", failure.GetProperty("error").GetString());
        Assert.Contains("provided twice", failure.GetProperty("error").GetString());
    }

    [Fact]
    public void Dangling_links_and_link_loops_are_reported_not_skipped()
    {
        var plugins = Cli.TempPlugins("Pmap.Arch.X86");
        File.CreateSymbolicLink(Path.Combine(plugins, "Gone"), Path.Combine(plugins, "nowhere"));
        File.CreateSymbolicLink(Path.Combine(plugins, "LoopA"), Path.Combine(plugins, "LoopB"));
        File.CreateSymbolicLink(Path.Combine(plugins, "LoopB"), Path.Combine(plugins, "LoopA"));
        var r = Bare(plugins, "arch", "list");
        Assert.Equal(0, r.Code);
        var errors = r.Json.GetProperty("failures").EnumerateArray().ToDictionary(
            f => Path.GetFileName(f.GetProperty("path").GetString()!), f => f.GetProperty("error").GetString()!);
        Assert.StartsWith("dangling symbolic link", errors["Gone"]);
        Assert.StartsWith("symbolic link loop", errors["LoopA"]);
        Assert.Equal(3, r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length); // one line each
    }

    [Fact]
    public void A_byte_flipped_assembly_and_a_corrupt_deps_file_each_say_what_failed_in_one_line()
    {
        var plugins = Cli.TempPlugins("Pmap.Arch.X86", "Pmap.Arch.RiscV", "Pmap.Arch.Arm64");
        var dll = Path.Combine(plugins, "Pmap.Arch.X86", "Pmap.Arch.X86.dll");
        var bytes = File.ReadAllBytes(dll);
        // Headers intact, what the runtime reads next damaged: a precompiled image's ReadyToRun header, an IL image's code at 0x400.
        var start = 0x400;
        using (var pe = new PEReader(new MemoryStream(bytes)))
        {
            if (pe.PEHeaders.CorHeader!.ManagedNativeHeaderDirectory is { Size: > 0 } native) pe.PEHeaders.TryGetDirectoryOffset(native, out start);
        }
        for (var i = start; i < start + 0x200 && i < bytes.Length; i++) bytes[i] ^= 0xff;
        File.WriteAllBytes(dll, bytes);
        File.WriteAllText(Path.Combine(plugins, "Pmap.Arch.RiscV", "Pmap.Arch.RiscV.deps.json"), "{ not json");
        var r = Bare(plugins, "arch", "list");
        r.AssertNoStackTrace();
        Assert.Equal(0, r.Code); // arm64 still loads
        var failures = r.Json.GetProperty("failures").EnumerateArray().Select(f => f.GetProperty("error").GetString()!).ToList();
        Assert.Equal(2, failures.Count);
        Assert.Contains(failures, f => f.StartsWith("a damaged .NET assembly", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("its dependencies cannot be resolved", StringComparison.Ordinal));
        Assert.All(failures, f => Assert.DoesNotContain('\n', f));
        Assert.All(r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => Assert.StartsWith("pmap: plugin ", l));
    }
}
