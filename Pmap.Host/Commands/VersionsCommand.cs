using System.CommandLine;
using Pmap.Host.Views;

namespace Pmap.Host.Commands;

/// <summary>pmap versions: every modelled Xen release of an architecture, each fact with the commit behind it.</summary>
public static class VersionsCommand
{
    public static Command Build(CommandIo io)
    {
        var cmd = new Command("versions",
                "Every Xen release an architecture models (its profiles): one row per release, each fact with the commit that set it.")
            .WithExamples("pmap versions --arch arm64", "pmap versions --arch riscv --json");
        cmd.SetAction(p => io.Execute(p, c =>
        {
            var model = c.Model(); // validates --arch and --profile as every command does
            return c.Show(VersionsView.From(c.Registry.Find(model.Name).Architecture), VersionsView.Render);
        }));
        return cmd;
    }
}
