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
    // Legible from an 800-pixel window (the ruler is drawn to fit it unscaled, and grows on wider screens) and printable.
    private const string Style = """
        body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;padding:12px 16px 80px;color:#223;max-width:1240px}
        h1{font-size:22px;margin:8px 0}h2{font-size:19px;border-bottom:2px solid #ccd;padding-bottom:4px;margin-top:36px}h3{font-size:16px}
        figure{margin:12px 0 24px}svg{display:block;margin:8px 0;max-width:100%;height:auto}
        svg[data-ruler]{width:100%;max-width:1080px}.wide{overflow-x:auto}.wide svg{max-width:none}
        table{border-collapse:collapse;font:13px ui-monospace,monospace}
        td,th{border:1px solid #ccd;padding:3px 6px;text-align:left;vertical-align:top}
        """ + """
        .diff{background:#fff3b0}.note{color:#a04000}.legend span{display:inline-block;padding:0 6px;margin-right:6px}
        nav.toc{background:#f4f6fa;border:1px solid #ccd;padding:6px 14px;margin:12px 0}nav.toc ol{margin:4px 0;padding-left:22px}
        nav.toc ul{display:inline;padding-left:10px;margin:0}nav.toc li li{display:inline;margin-right:10px}
        table.summary td.bad{background:#fadbd8;font-weight:bold}table.summary td.ok{background:#e0f2e0}
        [data-decode]{cursor:pointer}[data-decode]:hover rect{stroke:#c0392b;stroke-width:2}
        #decode{position:fixed;right:12px;bottom:12px;max-width:min(560px,92vw);max-height:45vh;overflow:auto;background:#fff;
        border:2px solid #334;border-radius:4px;padding:6px 10px;box-shadow:0 2px 10px #0004}
        #decode pre{margin:4px 0;font:13px/1.4 ui-monospace,monospace;white-space:pre-wrap}#decode button{float:right}
        @media print{body{max-width:none;padding:0;font-size:11pt}nav.toc,#decode,.hint{display:none}
        .wide{overflow:visible}.wide svg{max-width:100%}figure{break-inside:avoid}h2{break-after:avoid}}
        """;

    // Errors in the page's own scripts or rendering land in an attribute a headless test reads from the DOM.
    private const string ErrorProbe = """
        <script>window.addEventListener('error',function(e){var b=document.documentElement;
        b.setAttribute('data-errors',(parseInt(b.getAttribute('data-errors')||'0',10)+1)+'');
        """ + "b.setAttribute('data-last-error',String(e.message));});</script>";

    // A click on anything with data-decode shows its text in the panel (as text: nothing in it is parsed as HTML).
    private const string DecodeScript = """
        <aside id="decode" hidden aria-live="polite"><button type="button" aria-label="close">×</button><pre></pre></aside>
        <script>(function(){var p=document.getElementById('decode');p.querySelector('button').onclick=function(){p.hidden=true;};
        document.addEventListener('click',function(e){var t=e.target.closest?e.target.closest('[data-decode]'):null;if(!t)return;
        p.querySelector('pre').textContent=t.getAttribute('data-decode');p.hidden=false;});})();</script>
        """;

    public static string H(string text) => WebUtility.HtmlEncode(text);

    private static readonly (string Id, string Title)[] Sections =
    [
        ("findings", "Findings"), ("fixmap", "The fixmap"), ("tables", "Page tables after boot"), ("pte", "The entry pmap_map writes"),
        ("timeline", "pmap_map / pmap_unmap, instruction by instruction"), ("compare", "Side by side"),
    ];

    public static void Write(TextWriter w, IReadOnlyList<ArchModel> models, Mfn mfn)
    {
        w.WriteLine("<!DOCTYPE html><html lang=\"en\" data-errors=\"0\"><head><meta charset=\"utf-8\">" +
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>pmap report</title>" +
            $"<style>{Style}</style>{ErrorProbe}</head><body>");
        w.WriteLine($"<h1>pmap report: {H(string.Join(", ", models.Select(m => $"{m.Name} {m.Profile}")))}</h1>");
        w.WriteLine($"<p>pmap_map({H(Hex.Format(mfn.Value))}) and pmap_unmap on a freshly booted machine; " +
            "page tables after the default boot. <span class=\"hint\">Click a slot, a PTE field or an instruction for its decode; " +
            "hover for a summary.</span></p>");
        Toc(w, models);
        var sequences = new List<(ArchModel Model, MapRun Run)>();
        foreach (var m in models) sequences.Add((m, MapScenario.Run(m, [mfn], unmap: true)));

        FindingsSection.Write(w, sequences, mfn);
        Section(w, 1, models.Select(m => (m, Svg.Serialize(FixmapSvg.Draw(m)) + Notes(m))));
        Section(w, 2, models.Select(m => (m, Wide(Svg.Serialize(TreeSvg.Draw(AddressSpace.After(m, "boot", mfn)))))));
        Section(w, 3, sequences.Select(s => (s.Model, Pte(s.Model, s.Run))));
        Section(w, 4, sequences.Select(s => (s.Model,
            Legend + Wide(Svg.Serialize(TimelineSvg.Draw(s.Model.Name, s.Run.Steps, e => EventDecode.Of(s.Model, e)))))));
        w.WriteLine($"<section data-section=\"compare\" id=\"compare\"><h2>{H(Sections[5].Title)}</h2>");
        var rows = sequences.Where(s => s.Run.Crash is null)
            .Select(s => CompareView.From(s.Model, new PmapSequence(s.Run.Steps[0].Slot!.Value, s.Run.Steps[0].Va!.Value, s.Run.Steps[0].Pte!.Value,
                s.Run.Steps[0].Events, s.Run.Steps[1].Events))).ToList();
        CompareTable.Write(w, rows);
        w.WriteLine($"</section>{DecodeScript}</body></html>");
    }

    /// <summary>The element id of one model's part of a section: the section, the architecture and the profile.</summary>
    public static string Anchor(string section, ArchModel m, int position) => $"{section}-{position}-{Slug(m.Name)}-{Slug(m.Profile)}";

    private static string Slug(string s) => new(s.Select(ch => char.IsAsciiLetterOrDigit(ch) || ch is '.' or '-' ? ch : '_').ToArray());

    private static void Toc(TextWriter w, IReadOnlyList<ArchModel> models)
    {
        w.WriteLine("<nav class=\"toc\" data-toc=\"1\"><b>Contents</b><ol>");
        foreach (var (id, title) in Sections)
        {
            w.Write($"<li><a href=\"#{id}\">{H(title)}</a>");
            if (id != "compare")
                w.Write("<ul>" + string.Concat(models.Select((m, i) => $"<li><a href=\"#{Anchor(id, m, i)}\">{H(m.Name)} {H(m.Profile)}</a></li>")) + "</ul>");
            w.WriteLine("</li>");
        }
        w.WriteLine("</ol></nav>");
    }

    private static string Wide(string svg) => $"<div class=\"wide\">{svg}</div>";

    private const string Legend = "<p class=\"legend\"><span style=\"background:#f5cba7\">pte-write</span>" +
        "<span style=\"background:#aed6f1\">barrier</span>" +
        "<span style=\"background:#d2b4de\">tlb-flush</span><span style=\"background:#c0392b;color:#fff\">hazard</span>" +
        "(a step a rule wants, drawn where it is missing; a walk of an unsynchronised entry)</p>";

    private static void Section(TextWriter w, int index, IEnumerable<(ArchModel Model, string Html)> parts)
    {
        var (id, title) = Sections[index];
        w.WriteLine($"<section data-section=\"{id}\" id=\"{id}\"><h2>{H(title)}</h2>");
        var i = 0;
        foreach (var (model, html) in parts)
            w.WriteLine($"<figure data-arch=\"{H(model.Name)}\" id=\"{H(Anchor(id, model, i++))}\"><h3>{H(model.Name)} {H(model.Profile)}</h3>{html}</figure>");
        w.WriteLine("</section>");
    }

    private static string Notes(ArchModel m) => string.Concat(m.Notes.Select(n => $"<p class=\"note\">note: {H(n)}</p>"));

    private static string Pte(ArchModel model, MapRun run)
    {
        if (run.Crash is { } crash) return $"<p class=\"note\">Xen died: {H(crash.Message)}</p>";
        var step = run.Steps[0];
        var decoded = step.Decoded!;
        var sb = new StringBuilder(Wide(Svg.Serialize(PteSvg.Draw(model.Name, decoded))));
        sb.Append("<div class=\"wide\"><table><tr><th>field</th><th>bits</th><th>value</th><th>meaning</th></tr>");
        foreach (var f in decoded.Fields)
            sb.Append($"<tr><td>{H(f.Name)}</td><td>{H(f.Bits)}</td><td>{H(Hex.Format(f.Value))}</td><td>{H(f.Meaning)}</td></tr>");
        return sb.Append("</table></div>").ToString();
    }
}
