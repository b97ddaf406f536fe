using System.CommandLine;
using Pmap.Core;
using Pmap.Core.Machine;
using Pmap.Core.Scenarios;

using Pmap.Host.Report;
using Pmap.Host.Views;

namespace Pmap.Host.Commands;

/// <summary>pmap map: pmap_map for each MFN on a freshly booted machine, then (with --unmap) pmap_unmap in reverse.</summary>
public static class MapCommand
{
    public static Command Build(CommandIo io)
    {
        var mfn = CommandOptions.Mfns("Machine frame number to map, e.g. 0x12345", required: true);
        var unmap = new Option<bool>("--unmap") { Description = "Then pmap_unmap each returned address in reverse order" };
        var state = CommandOptions.State($"system_state while mapping ({SystemStates.Allowed}); default early_boot");
        var inIrq = new Option<bool>("--in-irq") { Description = "Run as if inside an interrupt handler (local_irq_count = 1)" };
        var cmd = new Command("map",
            "Run pmap_map (and pmap_unmap) on a freshly booted simulated machine, showing every PTE write, barrier and TLB flush.")
            .WithExamples("pmap map --arch arm64 --mfn 0x12345", "pmap map --arch arm64 --profile upstream --mfn 0x12345 --unmap --json",
                "pmap map --arch arm64 --profile xen-4.17 --mfn 1-8 --unmap   # the FIXADDR_TOP bug");
        var format = Formats.Option(dot: false);
        var fields = new Option<string>("--fields")
        {
            Description = "The PTE field table: after every map (all), once and then only what differs (once, the default), or never (none)",
            DefaultValueFactory = _ => MapView.FieldsOnce,
            HelpName = "all|once|none",
        };
        cmd.WithOptions(mfn, unmap, state, inIrq, format, fields);
        cmd.SetAction(p => io.Execute(p, c =>
        {
            var model = c.Model();
            var mfns = c.Mfns(p.GetValue(mfn), Args.MfnToMap, model);
            var st = SystemState.EarlyBoot;
            if (p.GetValue(state) is { } text && !SystemStates.TryParse(text, out st))
                throw new PmapUsageException($"--state '{text}' is not a system state{Spelling.Hint(text, Completions.SystemStates())}: "
                    + $"expected one of {SystemStates.Allowed}");
            var fieldMode = p.GetValue(fields)!;
            if (!MapView.FieldModes.Contains(fieldMode))
                throw new PmapUsageException($"--fields '{Hex.Echo(fieldMode)}'{Spelling.Hint(fieldMode, MapView.FieldModes)}: expected all, once or none");
            var svg = Formats.Read(p, format, dot: false, c.Global.Json) == "svg";
            var run = MapScenario.Run(model, mfns, p.GetValue(unmap), st, p.GetValue(inIrq));
            var code = svg
                ? Formats.WriteSvg(io.Out, TimelineSvg.Draw(model.Name, run.Steps))
                : c.Show(MapView.From(run, st, p.GetValue(inIrq), c.Registry.Find(model.Name).Architecture) with { Fields = fieldMode },
                    MapView.Render);
            return run.Crash is null ? code : io.ReportCrash(run.Crash);
        }, oneArchitecture: true));
        return cmd;
    }
}
