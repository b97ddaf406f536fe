using System.CommandLine;
using System.CommandLine.Completions;
using Pmap.Core;
using Pmap.Core.Arch;
using Pmap.Core.Machine;
using Pmap.Host.Commands;

namespace Pmap.Host;

/// <summary>The options every command has, declared once.</summary>
public sealed class GlobalOptionSet
{
    public GlobalOptionSet()
    {
        Arch.CompletionSources.Add(c => Completions.Architectures(this, c));
        Profile.CompletionSources.Add(c => Completions.Profiles(this, c));
    }

    // Help names: without one, help would list every completion (a hundred ARCH:PROFILE pairs) as the value's name.
    public Option<string?> Arch { get; } = new("--arch")
    {
        HelpName = "ARCH",
        Description = "Architecture name (default: configuration key Architecture); compare, report and fuzz take a list, arm64,x86, and fuzz all",
        Recursive = true,
    };

    public Option<string?> Profile { get; } = new("--profile")
    {
        HelpName = "PROFILE",
        Description = "Profile of the architecture (e.g. xen-4.18.4, xen-4.17 for the newest 4.17.z, seed-v3, upstream); "
            + "compare, report and fuzz also take ARCH:PROFILE pairs, arm64:xen-4.17,x86:series-v5, and fuzz all",
        Recursive = true,
    };

    public Option<string?> Plugins { get; } = new("--plugins")
    {
        Description = "Plugins folder (default: plugins/ beside the binary)",
        Recursive = true,
    };

    public Option<string?> Config { get; } = new("--config")
    {
        Description = "Extra JSON configuration file, read after appsettings.json",
        Recursive = true,
    };

    public Option<bool> Json { get; } = new("--json") { Description = "Machine output: one JSON document on stdout", Recursive = true };

    public Option<string?> NumFixPmap { get; } = new("--num-fix-pmap")
    {
        Description = "NUM_FIX_PMAP: number of PMAP slots (default 8)",
        Recursive = true,
    };

    /// <summary>NDEBUG: Xen built without CONFIG_DEBUG.</summary>
    public Option<bool> XenReleaseBuild { get; } = new("--xen-release-build")
    {
        Description = "Model a release build of Xen (no CONFIG_DEBUG): ASSERTs are not evaluated",
        Recursive = true,
    };

    /// <summary>The old spelling of --xen-release-build: it read like a release of pmap.</summary>
    public Option<bool> Release { get; } = CommandOptions.Deprecated<bool>("--release", _ => "--xen-release-build", recursive: true);

    public Option<string> Color { get; } = new("--color")
    {
        Description = "Colour in human output: auto (on a terminal, unless NO_COLOR is set), always or never",
        Recursive = true,
        DefaultValueFactory = _ => "auto",
    };

    public IEnumerable<Option> All => [Arch, Profile, Plugins, Config, Json, NumFixPmap, XenReleaseBuild, Release, Color];

    public GlobalOptions Read(ParseResult p)
    {
        int? num = null;
        if (p.GetValue(NumFixPmap) is { } text)
        {
            // 0x hex or decimal, as every number (docs/CLI.md, section 1).
            if (!Hex.TryParseNumber(text, out var n) || n < 1 || n > int.MaxValue)
                throw new PmapUsageException($"--num-fix-pmap '{Hex.Echo(text)}' is not valid: expected a whole number from 1 (0x hex or decimal)");
            num = (int)n;
        }
        var color = p.GetValue(Color) ?? "auto";
        if (!Terminal.ColorModes.Contains(color))
            throw new PmapUsageException($"--color '{color}' is not valid{Spelling.Hint(color, Terminal.ColorModes)}: "
                + "expected auto, always or never");
        var release = p.GetValue(XenReleaseBuild) || p.GetValue(Release);
        return new GlobalOptions(p.GetValue(Arch), p.GetValue(Profile), p.GetValue(Plugins), p.GetValue(Config), p.GetValue(Json), num, release)
        {
            Color = color,
        };
    }
}

/// <summary>Values the shell can complete ([suggest] directive): the loaded architectures, their profiles, system states.</summary>
internal static class Completions
{
    public static IEnumerable<string> Architectures(GlobalOptionSet g, CompletionContext c) =>
        Registry(g, c)?.Names.Order(StringComparer.Ordinal) ?? Enumerable.Empty<string>();

    /// <summary>The profiles of the --arch given; with none (or a list), every ARCH:PROFILE pair.</summary>
    public static IEnumerable<string> Profiles(GlobalOptionSet g, CompletionContext c)
    {
        if (Registry(g, c) is not { } r) return [];
        if (c.ParseResult.GetValue(g.Arch) is { } arch && r.TryFind(arch) is { } one) return one.Architecture.ProfileNames();
        return r.All.SelectMany(a => a.Architecture.ProfileNames().Select(p => $"{a.Architecture.Name}:{p}"));
    }

    public static IEnumerable<string> SystemStates() => Enum.GetValues<SystemState>().Select(s => s.XenName());

    private static Hosting.ArchitectureRegistry? Registry(GlobalOptionSet g, CompletionContext c)
    {
        try
        {
            var p = c.ParseResult;
            return CliContext.Create(new GlobalOptions(null, null, p.GetValue(g.Plugins), p.GetValue(g.Config), false, null, false)).Registry;
        }
        catch (Exception e) when (e is PmapUsageException or PmapConfigurationException or Hosting.PluginFolderException or IOException)
        {
            return null; // nothing to offer; completion never prints an error
        }
    }
}
