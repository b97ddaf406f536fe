using System.CommandLine;
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
            _ = ctx.Registry.Create(g.Request());
        var o = ctx.Registry.Options;
        var cfg = ctx.Configuration;
        ConfigEntryDto E(string key, string? effective) => new(key, effective, ConfigurationSources.Describe(cfg, key));
        var settings = new List<ConfigEntryDto>
        {
            E(nameof(PmapOptions.PluginsPath), o.PluginsPath),
            E(nameof(PmapOptions.Architecture), o.Architecture),
            E(nameof(PmapOptions.NumFixPmap), o.NumFixPmap.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            E(nameof(PmapOptions.Debug), o.Debug ? "true" : "false"),
        };
        foreach (var a in ctx.Registry.All)
        {
            var section = cfg.GetSection($"Architectures:{a.Architecture.Name}");
            settings.Add(E($"Architectures:{a.Architecture.Name}:Profile", section["Profile"] ?? a.Architecture.DefaultProfile));
            foreach (var child in section.GetChildren().Where(ch => ch.Key != "Profile" && ch.Value is not null))
                settings.Add(E(child.Path, child.Value));
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
