using System.CommandLine;
using Pmap.Core.Arch;
using Pmap.Host.Views;
using Pmap.Hosting;
using Spectre.Console;

namespace Pmap.Host.Commands;

public sealed record ConfigEntryDto(string Key, string? Value, string Source);

public sealed record PluginFolderDto(string Path, string Source);

public sealed record ConfigDto(string PluginsFolder, IReadOnlyList<PluginFolderDto> PluginsFolders, IReadOnlyList<ConfigEntryDto> Settings);

/// <summary>pmap config: the effective configuration and where each value came from.</summary>
public static class ConfigCommand
{
    public static Command Build(CommandIo io)
    {
        var cmd = new Command("config", "Show the effective configuration: every key, its value and where it came from (default, appsettings.json, "
            + "PMAP_HOME/appsettings.json, --config file, environment, command line).")
            .WithExamples("pmap config", "pmap config --arch x86 --profile series-v5", "PMAP_NUMFIXPMAP=16 pmap config --json");
        cmd.SetAction(p => io.Execute(p, c => Run(c)));
        return cmd;
    }

    private static int Run(CommandContext c)
    {
        // Configuration is what this command is about: plugin failures are not reported here. The options that act as keys are
        // layered on as the last source, and checked as any command would check them.
        var ctx = CliContext.Create(c.Global, commandLine: true);
        foreach (var w in ctx.Warnings) c.Note("warning: " + w);
        var g = c.Global;
        if (ModelSelection.Pairs(g.Profile) is not null || g.Arch?.Contains(',', StringComparison.Ordinal) == true)
            _ = ModelSelection.Models(c, g.Arch, profileEverywhere: true, defaultFirst: false); // each named model, checked
        else if (g.Arch is not null || g.Profile is not null || g.NumFixPmap is not null)
        {
            try
            {
                _ = ctx.Registry.Create(g.Request());
            }
            catch (PluginFolderException e) when (e.AlreadyReported is not null)
            {
                c.Io.ReportPluginFailures(ctx.Registry.Catalog); // the line the error points to
                throw;
            }
        }
        var o = ctx.Registry.Options;
        var cfg = ctx.Configuration;
        ConfigEntryDto E(string key, string? effective) => new(key, effective, ConfigurationSources.Describe(cfg, key));
        var settings = new List<ConfigEntryDto>
        {
            E(nameof(PmapOptions.PluginsPath), o.PluginsPath),
            E(nameof(PmapOptions.Architecture), o.Architecture),
            E(nameof(PmapOptions.NumFixPmap), o.NumFixPmap.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            E(nameof(PmapOptions.Debug), o.Debug ? "true" : "false"),
            E(nameof(PmapOptions.CapstoneLibrary), o.CapstoneLibrary ?? "libcapstone.so.4"),
        };
        foreach (var a in ctx.Registry.All)
        {
            // Profile, then every option the port declares: its value, or the declared default (null when it depends on the profile).
            var prefix = $"Architectures:{a.Architecture.Name}:";
            settings.Add(E(prefix + ArchOptions.ProfileKey, cfg[prefix + ArchOptions.ProfileKey] ?? a.Architecture.DefaultProfile));
            foreach (var option in a.Architecture.Options) settings.Add(E(prefix + option.Key, cfg[prefix + option.Key] ?? option.Default));
        }
        var folders = ctx.Registry.Catalog.Folders.Select(f => new PluginFolderDto(f.Path, f.Source.ToString().ToLowerInvariant())).ToList();
        return c.Show(new ConfigDto(ctx.Registry.Catalog.Folder, folders, settings), Render);
    }

    private static void Render(IAnsiConsole c, ConfigDto dto)
    {
        var t = new Table().AddColumns("key", "value", "from");
        foreach (var s in dto.Settings) t.AddRow(Markup.Escape(s.Key), Markup.Escape(s.Value ?? ""), Markup.Escape(s.Source));
        c.Write(t);
        foreach (var f in dto.PluginsFolders) c.MarkupLine($"plugins folder ({f.Source}): {Markup.Escape(f.Path)}");
    }
}
