using Pmap.Core;
using Pmap.Core.Arch;
using Pmap.Core.Scenarios;
using static Pmap.Host.Report.ReportPage;

namespace Pmap.Host.Report;

/// <summary>
/// The report's opening section: a summary row per architecture, then for each the hazards the ordering checker finds in the
/// standard scenarios, the Xen BUGs (ASSERTs, panics) the report's scenarios reach, the notes of its revision (known bugs), what
/// the report did not check and what the model does not simulate, so that an empty list is never read as a pass.
/// </summary>
public static class FindingsSection
{
    public static void Write(TextWriter w, IReadOnlyList<(ArchModel Model, MapRun Run)> runs, Mfn mfn)
    {
        w.WriteLine("<section data-section=\"findings\" id=\"findings\"><h2>Findings</h2>");
        var found = runs.Select(r => (r.Model, Hazards: HazardScenarios.Run(r.Model), Crashes: Crashes(r.Model, r.Run, mfn).ToList())).ToList();
        w.WriteLine("<div class=\"wide\"><table class=\"summary\" data-summary=\"1\"><tr><th>architecture</th><th>hazards</th>" +
                    "<th>Xen ASSERT / BUG / panic reached</th><th>notes of the revision</th></tr>");
        for (var i = 0; i < found.Count; i++)
        {
            var (model, hazards, crashes) = found[i];
            var h = hazards.Violations.Count + hazards.Failures.Count;
            var rules = model.Maintenance.Rules.Count == 0 ? "unchecked: no rules" : $"{h}";
            w.WriteLine($"<tr><td><a href=\"#{H(Anchor("findings", model, i))}\">{H(model.Name)} {H(model.Profile)}</a></td>" +
                        $"<td class=\"{(h > 0 || model.Maintenance.Rules.Count == 0 ? "bad" : "ok")}\">{H(rules)}</td>" +
                        $"<td class=\"{(crashes.Count > 0 ? "bad" : "ok")}\">{(crashes.Count == 0 ? "none" : H(string.Join(", ",
                            crashes.Select(c => $"{KindOf(c.Crash).ToUpperInvariant()} in {c.Crash.Where ?? "?"}"))))}</td>" +
                        $"<td>{model.Notes.Count}</td></tr>");
        }
        w.WriteLine("</table></div>");
        for (var i = 0; i < found.Count; i++)
        {
            var (model, hazards, crashes) = found[i];
            w.WriteLine($"<div data-arch=\"{H(model.Name)}\" data-profile=\"{H(model.Profile)}\" id=\"{H(Anchor("findings", model, i))}\">" +
                        $"<h3>{H(model.Name)} {H(model.Profile)}</h3><ul>");
            foreach (var v in hazards.Violations)
            {
                var at = v.AtUse ? $"at a use of {v.Va}" : $"at the end of {v.Hook}";
                w.WriteLine($"<li data-finding=\"hazard\" data-rule=\"{H(v.Rule.Id)}\"><b>hazard {H(v.Rule.Id)}</b> {H(at)}: {H(v.Consequence)}" +
                            $"<br><code>{H(v.Hook)}: {H(string.Join("; ", v.Sequence))}</code></li>");
            }
            foreach (var f in hazards.Failures) w.WriteLine($"<li data-finding=\"scenario\"><b>scenario failed</b> {H(f)}</li>");
            foreach (var (what, crash) in crashes)
                w.WriteLine($"<li data-finding=\"{H(KindOf(crash))}\"><b>Xen {H(KindOf(crash).ToUpperInvariant())}</b> in {H(crash.Where ?? "?")} " +
                            $"({H(what)}): {H(crash.XenText)}</li>");
            if (hazards.Violations.Count + hazards.Failures.Count == 0 && crashes.Count == 0)
                w.WriteLine($"<li data-finding=\"none\">none in the scenarios run ({H(string.Join(", ", HazardScenarios.Names))}, map and unmap of every slot), " +
                            $"against {model.Maintenance.Rules.Count} rules</li>");
            w.WriteLine("</ul>");
            List("Notes of this revision (its known bugs and layout facts):", "data-note", model.Notes);
            List("Not checked here:", "data-unchecked", NotChecked(model));
            List($"Not modelled on {model.Name} (the port says so):", "data-unmodelled-arch", model.NotModelled);
            w.WriteLine("</div>");
        }
        List("Not modelled on any architecture (the model cannot show these at all):", "data-unmodelled", NotModelled);
        w.WriteLine("</section>");

        void List(string title, string attribute, IEnumerable<string> items)
        {
            var list = items.ToList();
            if (list.Count == 0) return;
            w.WriteLine($"<p>{H(title)}</p><ul>");
            foreach (var n in list) w.WriteLine($"<li {attribute}>{H(n)}</li>");
            w.WriteLine("</ul>");
        }
    }

    // What the machine (Pmap.Core/Machine) has no part for: one Cpu, memory read directly by the walker, rules instead of a memory model.
    private static readonly string[] NotModelled =
    [
        "other CPUs: one CPU and its TLB are simulated, so whether a broadcast barrier or TLB invalidation reaches another CPU is not",
        "the hardware's memory model: an instruction order is judged against the port's maintenance rules (for litmus tests: pmap hazards --litmus)",
        "caches and memory types: an entry's attributes are decoded, not simulated",
    ];

    private static string KindOf(XenCrashException e) => e.Kind.ToString().ToLowerInvariant();

    /// <summary>The report's map/unmap of <paramref name="mfn"/>, then every PMAP slot mapped at once and unmapped, last first.</summary>
    private static IEnumerable<(string What, XenCrashException Crash)> Crashes(ArchModel model, MapRun run, Mfn mfn)
    {
        if (run.Crash is { } c) yield return ($"pmap_map({Hex.Format(mfn.Value)}) and pmap_unmap", c);
        var frames = Enumerable.Range(0, model.Fixmap.NumFixPmap).Select(i => new Mfn(mfn.Value + (ulong)i)).ToList();
        if (MapScenario.Run(model, frames, unmap: true).Crash is { } all)
            yield return ($"all {frames.Count} PMAP slots mapped, then unmapped last first", all);
    }

    private static IEnumerable<string> NotChecked(ArchModel model)
    {
        if (model.Maintenance.Rules.Count == 0) yield return "ordering: the port states no maintenance rules, so no sequence was judged";
        if (!model.Debug) yield return "ASSERTs: a release build was modelled, so Xen's ASSERTs were not evaluated";
        else yield return "a release build (ASSERTs compiled out): run with --xen-release-build";
        yield return "smp_boot and later states and interrupt context: every scenario ran in early_boot, outside an IRQ";
        yield return "against a real MMU or a real Xen: `pmap verify`";
        yield return "the conformance suite and the deletion of each instruction: `pmap conformance`, `pmap hazards --why`";
    }
}
