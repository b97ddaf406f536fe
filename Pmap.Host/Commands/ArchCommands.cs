using System.CommandLine;
using Pmap.Core;
using Pmap.Core.Arch;
using Pmap.Host.Views;
using Spectre.Console;

namespace Pmap.Host.Commands;

public sealed record ArchitectureDto(string Name, string Description, string Plugin, string Version, string Path, string Source,
    IReadOnlyList<string> Profiles, string DefaultProfile, IReadOnlyList<ArchOptionDto> Options);

/// <summary>One option a port declares (docs/CLI.md 6.1): its key below Architectures:NAME, type, default, allowed values, meaning.</summary>
public sealed record ArchOptionDto(string Key, string Type, string? Default, IReadOnlyList<string>? Allowed, string Meaning)
{
    public static ArchOptionDto Of(ArchOption o) => new(o.Key, o.TypeName, o.Default, o.Type == ArchOptionType.Choice ? o.Allowed : null, o.Meaning);
}

public sealed record FailureDto(string Path, string Error);

public sealed record ArchListDto(IReadOnlyList<ArchitectureDto> Architectures, IReadOnlyList<FailureDto> Failures, ErrorDto? Error = null);

/// <summary>pmap arch list.</summary>
public static class ArchCommands
{
    public static Command Build(CommandIo io)
    {
        var arch = new Command("arch", "Architecture plugins");
        var check = new Option<bool>("--check")
        {
            Description = "Build every profile of every architecture, as conformance does, and list each that fails (by default only each "
                + "default profile is built at load, the others when a command first uses them)",
        };
        var list = new Command("list", "Every architecture found in the plugins folders (bundled, user, configured), and every plugin that failed.")
            .WithExamples("pmap arch list --json", "pmap arch list --check")
            .WithOptions(check);
        list.SetAction(p => io.Execute(p, c => List(io, c), everyProfile: p.GetValue(check)));
        arch.Subcommands.Add(list);
        return arch;
    }

    private static int List(CommandIo io, CommandContext c)
    {
        var catalog = c.Registry.Catalog;
        var g = c.Global;
        var dto = new ArchListDto(
            catalog.Architectures.Select(a => new ArchitectureDto(a.Architecture.Name, a.Architecture.Description, a.Plugin.Name,
                a.Plugin.Version, Relative(catalog, a.Plugin.Path), a.Plugin.Source.ToString().ToLowerInvariant(),
                a.Architecture.ProfileNames(), a.Architecture.DefaultProfile, a.Architecture.Options.Select(ArchOptionDto.Of).ToList())).ToList(),
            catalog.Failures.Select(f => new FailureDto(Relative(catalog, f.Path), f.Error)).ToList());

        if (dto.Architectures.Count == 0)
        {
            // One JSON document even on failure: the listing with its error.
            var searched = catalog.Folders.Count == 0 ? "no plugins folder exists" : string.Join(", ", catalog.Folders.Select(f => $"'{f.Path}'"));
            var none = $"no architecture plugins loaded from {searched} (expected plugins/<Name>/<Name>.dll)";
            if (g.Json) Json.Write(io.Out, dto with { Error = new ErrorDto(ErrorKind.Plugin, none) });
            return io.Fail(ErrorKind.Plugin, none, json: false);
        }
        if (g.Json) Json.Write(io.Out, dto);
        else Render(io, dto);
        return ExitCodes.Success;
    }

    /// <summary>plugins/&lt;Name&gt;/&lt;Name&gt;.dll: relative to the folder that holds its plugins folder.</summary>
    private static string Relative(Hosting.PluginCatalog catalog, string path)
    {
        var folder = catalog.Folders.Select(f => f.Path)
            .FirstOrDefault(f => path.StartsWith(f + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            ?? catalog.Folder;
        return Path.GetRelativePath(Path.GetDirectoryName(folder) ?? folder, path).Replace('\\', '/');
    }

    private static void Render(CommandIo io, ArchListDto dto)
    {
        var console = Terminal.Create(io.Out);
        var table = new Table().AddColumns("arch", "profiles (default first)", "plugin", "version", "source", "description");
        foreach (var a in dto.Architectures)
        {
            var profiles = new[] { a.DefaultProfile }.Concat(a.Profiles.Where(p => p != a.DefaultProfile));
            table.AddRow(Markup.Escape(a.Name), Markup.Escape(Compact(profiles)), Shown(a.Plugin), Shown(a.Version),
                Markup.Escape(a.Source), Shown(a.Description));
        }
        console.Write(table);
        // Each port's options (keys under Architectures:NAME), default after '=', a choice's values joined by '|'.
        foreach (var a in dto.Architectures.Where(a => a.Options.Count > 0))
        {
            var options = a.Options.Select(o => o.Key + (o.Allowed is { } allowed ? "=" + string.Join("|", allowed) : o.Default is { } d ? "=" + d : ""));
            console.MarkupLine($"{Markup.Escape(a.Name)} options: {Markup.Escape(string.Join(", ", options))}");
        }
        foreach (var f in dto.Failures) console.MarkupLine($"[red]failed[/] {Shown(f.Path)}: {Shown(f.Error)}");
    }

    // What a plugin brings (its folder's name, its own texts) reaches the terminal with control characters escaped.
    private static string Shown(string text) => Markup.Escape(Hex.Printable(text));

    /// <summary>The releases of a branch as one entry (xen-4.18.{0..6}); the default and other names as they are.</summary>
    private static string Compact(IEnumerable<string> profiles)
    {
        var names = profiles.ToList();
        var parts = new List<string>();
        foreach (var p in names)
        {
            var dots = p.StartsWith("xen-", StringComparison.Ordinal) ? p.Count(ch => ch == '.') : 0;
            if (dots != 2 || p == names[0]) { parts.Add(p); continue; }
            var branch = p[..p.LastIndexOf('.')];
            var run = names.Skip(1).Where(n => n.StartsWith(branch + ".", StringComparison.Ordinal) && n.Count(ch => ch == '.') == 2).ToList();
            if (run[0] != p) continue; // already written with the first of its branch
            parts.Add(run.Count == 1 ? p : $"{branch}.{{{run[0][(branch.Length + 1)..]}..{run[^1][(branch.Length + 1)..]}}}");
        }
        return string.Join(", ", parts);
    }
}
