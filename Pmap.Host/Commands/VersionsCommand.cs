using System.CommandLine;
using Pmap.Host.Views;

namespace Pmap.Host.Commands;

/// <summary>pmap versions: every modelled Xen release of an architecture, each fact with the commit behind it.</summary>
public static class VersionsCommand
{
    public static Command Build(CommandIo io)
    {
        var diff = new Option<string?>("--diff")
        {
            Description = "Only what changed between two releases, FROM..TO (xen- optional): each fact old -> new, with its commit",
            HelpName = "FROM..TO",
        };
        var cmd = new Command("versions",
                "Every Xen release an architecture models (its profiles): releases with equal facts grouped in one row, one row per change, "
                + "each change with its commit.")
            .WithExamples("pmap versions --arch arm64", "pmap versions --arch arm64 --diff 4.17.7..4.18.0", "pmap versions --arch riscv --json");
        cmd.WithOptions(diff);
        cmd.SetAction(p => io.Execute(p, c =>
        {
            var model = c.Model(); // validates --arch and --profile as every command does
            var versions = VersionsView.From(c.Registry.Find(model.Name).Architecture);
            return p.GetValue(diff) is { } range
                ? c.Show(VersionsDiffView.From(versions, range), VersionsDiffView.Render)
                : c.Show(versions, VersionsView.Render);
        }, oneArchitecture: true));
        return cmd;
    }
}
