using System.CommandLine;
using Pmap.Core;
using Pmap.Core.Scenarios;
using Pmap.Host.Views;

namespace Pmap.Host.Commands;

/// <summary>pmap hazards: the port's sequences checked against its architecture's maintenance rules.</summary>
public static class HazardsCommand
{
    public static Command Build(CommandIo io)
    {
        var why = new Option<bool>("--why")
        {
            Description = "Delete each store, barrier, invalidation and isb of the hooks in turn and say which rule needs it",
        };
        var cmd = new Command("hazards",
                "Run the standard scenarios under the architecture's translation-table maintenance rules and list every rule a sequence breaks " +
                "(exit 0 clean, 4 hazards found, 3 a port that states no rules).")
            .WithOptions(why)
            .WithExamples("pmap hazards --arch arm64 --profile xen-4.17", "pmap hazards --arch riscv --why", "pmap hazards --arch x86 --json");
        cmd.SetAction(p => io.Execute(p, c =>
        {
            var model = c.Model();
            if (!model.Maintenance.Stated)
                throw new PmapPluginException(model.Name, "states no maintenance rules: nothing could be checked, so no verdict is given");
            var report = HazardScenarios.Run(model);
            var verdicts = p.GetValue(why) ? WhyAnalysis.Run(model, report) : null;
            var dto = HazardsView.From(model, report, verdicts);
            return c.Show(dto, HazardsView.Render, report.Clean ? ExitCodes.Success : ExitCodes.Findings);
        }));
        return cmd;
    }
}
