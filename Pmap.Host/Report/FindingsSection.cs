using Pmap.Core;
using Pmap.Core.Arch;
using Pmap.Core.Scenarios;
using static Pmap.Host.Report.ReportPage;

namespace Pmap.Host.Report;

/// <summary>
/// The report's opening section, per architecture: the hazards the ordering checker finds in the standard scenarios, the Xen BUGs
/// (ASSERTs, panics) the report's scenarios reach, and what the report did not check, so that an empty list is never read as a pass.
/// </summary>
public static class FindingsSection
{
    public static void Write(TextWriter w, IReadOnlyList<(ArchModel Model, MapRun Run)> runs, Mfn mfn)
    {
        w.WriteLine("<section data-section=\"findings\" id=\"findings\"><h2>Findings</h2>");
        foreach (var (model, run) in runs)
        {
            w.WriteLine($"<div data-arch=\"{H(model.Name)}\" data-profile=\"{H(model.Profile)}\"><h3>{H(model.Name)} {H(model.Profile)}</h3><ul>");
            var hazards = HazardScenarios.Run(model);
            foreach (var v in hazards.Violations)
            {
                var at = v.AtUse ? $"at a use of {v.Va}" : $"at the end of {v.Hook}";
                w.WriteLine($"<li data-finding=\"hazard\" data-rule=\"{H(v.Rule.Id)}\"><b>hazard {H(v.Rule.Id)}</b> {H(at)}: {H(v.Consequence)}" +
                            $"<br><code>{H(v.Hook)}: {H(string.Join("; ", v.Sequence))}</code></li>");
            }
            foreach (var f in hazards.Failures) w.WriteLine($"<li data-finding=\"scenario\"><b>scenario failed</b> {H(f)}</li>");
            var crashes = Crashes(model, run, mfn).ToList();
            foreach (var (what, crash) in crashes)
                w.WriteLine($"<li data-finding=\"{H(KindOf(crash))}\"><b>Xen {H(KindOf(crash).ToUpperInvariant())}</b> in {H(crash.Where ?? "?")} " +
                            $"({H(what)}): {H(crash.XenText)}</li>");
            var found = hazards.Violations.Count + hazards.Failures.Count;
            if (found == 0 && crashes.Count == 0)
                w.WriteLine($"<li data-finding=\"none\">none in the scenarios run ({H(string.Join(", ", HazardScenarios.Names))}, map and unmap of every slot), " +
                            $"against {model.Maintenance.Rules.Count} rules</li>");
            w.WriteLine("</ul><p>Not checked here:</p><ul>");
            foreach (var n in NotChecked(model)) w.WriteLine($"<li data-unchecked>{H(n)}</li>");
            w.WriteLine("</ul></div>");
        }
        w.WriteLine("</section>");
    }

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
