using System.Diagnostics;
using Pmap.Core;
using Pmap.Core.Arch;
using Pmap.Core.Machine;
using Pmap.Core.Scenarios;
using Pmap.Qemu;

namespace Pmap.Verify;

/// <summary>The model's tables after a scenario, and the VAs that scenario makes worth asking about.</summary>
public sealed record ScenarioTables(XenMachine Machine, IReadOnlyList<LabelledVa> Landmarks);

/// <summary>Runs a scenario on the model, hands its tables to a real MMU and compares the two on every sampled VA.</summary>
public static class Verifier
{
    /// <summary>The scenario on the model; a Xen crash is thrown as the model would report it.</summary>
    public static ScenarioTables Run(ArchModel model, VerifyScenario scenario)
    {
        var fix = model.Fixmap;
        var pmapSlots = Enumerable.Range(fix.FixPmapBegin, fix.NumFixPmap).ToList();
        if (scenario == VerifyScenario.Boot)
        {
            var bank = model.DefaultRam;
            var (m, report, crash) = BootScenario.Boot(model, bank);
            if (crash is not null) throw crash;
            var d = report!.Mapped;
            var marks = pmapSlots.Select(s => new LabelledVa(fix.FixToVirt(s).Value, $"PMAP slot {s} (unmapped after boot)")).ToList();
            if (d.Pages > 0)
            {
                marks.Add(new LabelledVa(d.Va.Value, "directmap, first page"));
                marks.Add(new LabelledVa(d.Va.Value + ((d.Pages - 1) << Page.Shift) + 0xFF8, "directmap, last page"));
                marks.Add(new LabelledVa(d.Va.Value + (d.Pages << Page.Shift), "directmap, one page past the end"));
            }
            return new ScenarioTables(m, [.. marks, .. FixmapSlots(model)]);
        }
        var first = model.DefaultRam.Base.ToMfn().Value + 0x100;
        var run = MapScenario.Run(model, pmapSlots.Select((_, i) => new Mfn(first + ((ulong)i * 0x11))).ToList(), unmap: false,
            options: new MachineOptions { TraceEnabled = false });
        if (run.Crash is not null) throw run.Crash;
        var slots = run.Steps.Select(s => new LabelledVa(s.Va!.Value.Value + 0x18, $"PMAP slot {s.Slot} -> MFN {Hex.Format(s.Mfn!.Value.Value)}"));
        return new ScenarioTables(run.Machine, [.. slots, .. FixmapSlots(model)]);
    }

    private static IEnumerable<LabelledVa> FixmapSlots(ArchModel model) =>
        Enumerable.Range(0, model.Fixmap.EndOfFixedAddresses).SelectMany(s => (LabelledVa[])[
            new(model.Fixmap.FixToVirt(s).Value + 0x40, $"fixmap slot {s} {model.Fixmap.NameOf(s)}"),
            new(model.Fixmap.FixToVirt(s).Value + Page.Size - 8, $"fixmap slot {s} {model.Fixmap.NameOf(s)}, last word")]);

    /// <summary>
    /// Exports the tables, lets <paramref name="tamper"/> change the copy (to prove a wrong table is caught), places
    /// them in QEMU's RAM, and compares QEMU's answers with the model's walk of its own, untouched tables.
    /// </summary>
    public static VerifyReport Verify(ArchModel model, VerifyScenario scenario, Action<TableSnapshot>? tamper = null)
    {
        var target = VerifyTargets.For(model);
        var binary = QemuLocator.Require(target);
        var clock = Stopwatch.StartNew();
        var (m, landmarks) = Run(model, scenario);
        var snapshot = TableExport.Export(m);
        var vas = landmarks.Concat(VaSampler.Sample(snapshot, m.Format, m.Codec))
            .Where(v => m.Format.IsValidVa(new VirtAddr(v.Va))).DistinctBy(v => v.Va).ToList();
        var modelAnswers = vas.Select(v => (Pa: m.WalkFast(new VirtAddr(v.Va), out _, out _, out var fault), Fault: fault)).ToList();
        tamper?.Invoke(snapshot);
        var placement = TableExport.Place(snapshot, m.Codec, m.Format, target);
        var modelTime = clock.Elapsed;

        clock.Restart();
        var answers = MmuProbe.Translate(target, TableExport.Pages(placement.Tables), placement.Tables.Root.Value,
            vas.Select(v => v.Va).ToList());
        var qemuTime = clock.Elapsed;

        var checks = vas.Select((v, i) => new VaCheck(v.Va, v.What, modelAnswers[i].Pa?.Value, modelAnswers[i].Fault?.Level, answers[i],
            answers[i].Pa is { } pa ? placement.ToModel(pa) : null)).ToList();
        return new VerifyReport(model.Name, model.Profile, scenario, binary, snapshot.Tables.Count, placement.Moves.Count, checks,
            modelTime, qemuTime);
    }
}
