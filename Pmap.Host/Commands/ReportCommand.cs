using System.CommandLine;
using Pmap.Core;
using Pmap.Core.Arch;
using Pmap.Host.Report;
using Spectre.Console;

namespace Pmap.Host.Commands;

/// <summary>pmap report: one self-contained HTML file with the fixmap, the page tables, the PTE, the timeline and the comparison.</summary>
public static class ReportCommand
{
    public static Command Build(CommandIo io)
    {
        var output = new Option<string>("--output", "-o") { Description = "The HTML file to write", Required = true };
        var mfn = CommandOptions.Mfn("The MFN pmap_map maps");
        var cmd = new Command("report", "Write one self-contained HTML page (inline SVG and CSS, no network): fixmap rulers, page-table trees, " +
                "the PTE pmap_map writes as a bit-field diagram, the map/unmap timeline and the architectures side by side.")
            .WithExamples("pmap report -o report.html", "pmap report --arch arm64,x86 -o report.html",
                "pmap report --profile arm64:xen-4.17,arm64:upstream -o bug.html --json");
        cmd.WithOptions(output, mfn);
        cmd.SetAction(p => io.Execute(p, c =>
        {
            var frame = c.OneMfn(p.GetValue(mfn)!, "report");
            var models = ModelSelection.Models(c, c.Global.Arch, profileEverywhere: true, defaultFirst: true);
            var path = p.GetValue(output);
            var bytes = OutputFile.Write("-o", path, file => ReportPage.Write(file, models, frame));
            var dto = new ReportDto(Path.GetFullPath(path!), models.Select(m => $"{m.Name}:{m.Profile}").ToList(), bytes);
            return c.Show(dto, (console, d) => console.WriteLine($"wrote {d.Output} ({d.Bytes} bytes): {string.Join(", ", d.Architectures)}"));
        }));
        return cmd;
    }
}

public sealed record ReportDto(string Output, IReadOnlyList<string> Architectures, long Bytes);
