using System.CommandLine;
using Pmap.Core.Scenarios;

using Pmap.Host.Report;
using Pmap.Host.Views;

namespace Pmap.Host.Commands;

/// <summary>pmap layout: every named slot of the fixmap.</summary>
public static class LayoutCommand
{
    public static Command Build(CommandIo io)
    {
        var xenSyms = CommandExtensions.XenSymsOption();
        var cmd = new Command("layout",
            "The fixmap of an architecture: FIXADDR_START/TOP, the PMAP range and every named slot with its VA and backing entry.")
            .WithExamples("pmap layout --arch arm64", "pmap layout --arch arm64 --profile upstream --json",
                "pmap layout --arch x86 --format svg > fixmap.svg");
        var format = Formats.Option(dot: false);
        cmd.WithOptions(xenSyms, format);
        cmd.SetAction(p => io.Execute(p, c =>
        {
            var model = c.Model(xenSyms: p.GetValue(xenSyms));
            if (Formats.Read(p, format, dot: false, c.Global.Json) == "svg") return Formats.WriteSvg(io.Out, FixmapSvg.Draw(model));
            return c.Show(LayoutView.From(model, FixmapSlots.Of(model)), LayoutView.Render);
        }, oneArchitecture: true));
        return cmd;
    }
}
