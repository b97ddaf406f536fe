using System.Net;
using System.Text;
using Pmap.Core.Arch;
using Pmap.Core.Machine;
using Pmap.Core.Scenarios;
using Pmap.Host.Views;

namespace Pmap.Host.Report;

/// <summary>
/// The report: one self-contained HTML file (inline CSS and SVG, no network) with, per architecture, the fixmap
/// ruler, the page-table tree after boot, the PTE pmap_map writes as a bit-field diagram and the map/unmap
/// timeline; then the architectures side by side. Sections and pictures carry data-* attributes tests count.
/// </summary>
public static class ReportPage
{
    private const string Style = """
        body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#223;max-width:1200px}
        h1{font-size:22px}h2{font-size:18px;border-bottom:2px solid #ccd;padding-bottom:4px;margin-top:32px}h3{font-size:15px}
        svg{display:block;margin:8px 0;font-family:ui-monospace,monospace;max-width:100%;height:auto}
        table{border-collapse:collapse;font:12px ui-monospace,monospace}
        """ + """
        td,th{border:1px solid #ccd;padding:3px 6px;text-align:left;vertical-align:top}
        td.diff{background:#fff3b0}.note{color:#a04000}.legend span{display:inline-block;padding:0 6px;margin-right:6px}
        """;

    // Errors in the page's own scripts or rendering land in an attribute a headless test reads from the DOM.
    private const string ErrorProbe = """
        <script>window.addEventListener('error',function(e){var b=document.documentElement;
        b.setAttribute('data-errors',(parseInt(b.getAttribute('data-errors')||'0',10)+1)+'');
        """ + "b.setAttribute('data-last-error',String(e.message));});</script>";

    public static string H(string text) => WebUtility.HtmlEncode(text);

    public static void Write(TextWriter w, IReadOnlyList<ArchModel> models, Mfn mfn)
    {
        w.WriteLine("<!DOCTYPE html><html lang=\"en\" data-errors=\"0\"><head><meta charset=\"utf-8\"><title>pmap report</title>" +
            $"<style>{Style}</style>{ErrorProbe}</head><body>");
        w.WriteLine($"<h1>pmap report: {H(string.Join(", ", models.Select(m => $"{m.Name} {m.Profile}")))}</h1>");
        w.WriteLine($"<p>pmap_map({H(Hex.Format(mfn.Value))}) and pmap_unmap on a freshly booted machine; " +
            "page tables after the default boot. Hover a shape for its details.</p>");
        var sequences = new List<(ArchModel Model, MapRun Run)>();
        foreach (var m in models) sequences.Add((m, MapScenario.Run(m, [mfn], unmap: true)));

        FindingsSection.Write(w, sequences, mfn);
        Section(w, "fixmap", "The fixmap", models.Select(m => (m, Svg.Serialize(FixmapSvg.Draw(m)) + Notes(m))));
        Section(w, "tables", "Page tables after boot", models.Select(m => (m, Svg.Serialize(TreeSvg.Draw(AddressSpace.After(m, "boot", mfn))))));
        Section(w, "pte", "The entry pmap_map writes", sequences.Select(s => (s.Model, Pte(s.Model, s.Run))));
        Section(w, "timeline", "pmap_map / pmap_unmap, instruction by instruction",
            sequences.Select(s => (s.Model, Legend + Svg.Serialize(TimelineSvg.Draw(s.Model.Name, s.Run.Steps)))));
        w.WriteLine("<section data-section=\"compare\" id=\"compare\"><h2>Side by side</h2>");
        var rows = sequences.Where(s => s.Run.Crash is null)
            .Select(s => CompareView.From(s.Model, new PmapSequence(s.Run.Steps[0].Slot!.Value, s.Run.Steps[0].Va!.Value, s.Run.Steps[0].Pte!.Value,
                s.Run.Steps[0].Events, s.Run.Steps[1].Events))).ToList();
        CompareTable.Write(w, rows);
        w.WriteLine("</section></body></html>");
    }

    private const string Legend = "<p class=\"legend\"><span style=\"background:#f5cba7\">pte-write</span>" +
        "<span style=\"background:#aed6f1\">barrier</span>" +
        "<span style=\"background:#d2b4de\">tlb-flush</span><span style=\"background:#c0392b;color:#fff\">hazard</span>" +
        "(a step a rule wants, drawn where it is missing; a walk of an unsynchronised entry)</p>";

    private static void Section(TextWriter w, string id, string title, IEnumerable<(ArchModel Model, string Html)> parts)
    {
        w.WriteLine($"<section data-section=\"{id}\" id=\"{id}\"><h2>{H(title)}</h2>");
        foreach (var (model, html) in parts)
            w.WriteLine($"<figure data-arch=\"{H(model.Name)}\"><h3>{H(model.Name)} {H(model.Profile)}</h3>{html}</figure>");
        w.WriteLine("</section>");
    }

    private static string Notes(ArchModel m) => string.Concat(m.Notes.Select(n => $"<p class=\"note\">note: {H(n)}</p>"));

    private static string Pte(ArchModel model, MapRun run)
    {
        if (run.Crash is { } crash) return $"<p class=\"note\">Xen died: {H(crash.Message)}</p>";
        var step = run.Steps[0];
        var decoded = step.Decoded!;
        var sb = new StringBuilder(Svg.Serialize(PteSvg.Draw(model.Name, decoded)));
        sb.Append("<table><tr><th>field</th><th>bits</th><th>value</th><th>meaning</th></tr>");
        foreach (var f in decoded.Fields)
            sb.Append($"<tr><td>{H(f.Name)}</td><td>{H(f.Bits)}</td><td>{H(Hex.Format(f.Value))}</td><td>{H(f.Meaning)}</td></tr>");
        return sb.Append("</table>").ToString();
    }
}
