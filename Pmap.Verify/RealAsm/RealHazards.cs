using System.Diagnostics;
using Pmap.Core.Scenarios;
using Pmap.Verify.RealXen;

namespace Pmap.Verify.RealAsm;

/// <summary>One distinct path through pmap_map or pmap_unmap: the instructions of its first call and how many calls took it.</summary>
/// <param name="States">Xen's system_state values its calls ran in, in order.</param>
public sealed record RealPath(string Call, int Calls, IReadOnlyList<ExecutedInstruction> Instructions, IReadOnlyList<SystemState> States);

/// <summary>The model's verdict beside the real binary's for one function: the rules broken at its end.</summary>
public sealed record ModelAgreement(string Call, IReadOnlyList<string> ModelRules, IReadOnlyList<string> RealRules)
{
    public bool Agrees => ModelRules.SequenceEqual(RealRules);
}

/// <summary>What `pmap hazards --xen-syms` found in a real binary.</summary>
/// <param name="Dynamic">The instructions were executed under QEMU (else read from the ELF).</param>
public sealed record RealHazardReport(bool Dynamic, string Syms, string? Image, IReadOnlyList<ExecutedCall> Calls, IReadOnlyList<RealPath> Streams,
    IReadOnlyList<RealHazard> Hazards, IReadOnlyList<ExecutedInstruction> Undeclared, IReadOnlyList<ModelAgreement> Model,
    IReadOnlyList<RealVerdict>? Why, TimeSpan Elapsed);

/// <summary>Runs a real binary's pmap_map and pmap_unmap through the model's rule checker, dynamically (QEMU) or statically (ELF).</summary>
public static class RealHazards
{
    public static readonly string[] Calls = ["pmap_map", "pmap_unmap"];

    /// <summary>
    /// Reads <paramref name="syms"/>, then boots <paramref name="image"/> under QEMU single-stepping every call, or (null image) walks
    /// the calls in the ELF; <paramref name="capstone"/> names the Capstone library (null: Debian's).
    /// </summary>
    public static RealHazardReport Run(ArchModel model, string syms, string? image, bool why, string? capstone = null, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        if (!model.Maintenance.Stated)
            throw new PmapPluginException(model.Name, "states no maintenance rules: nothing could be checked, so no verdict is given");
        var bin = RealBinary.Load(syms);
        var modelReport = HazardScenarios.Run(model);
        var mapStore = modelReport.Windows.GetValueOrDefault("arch_pmap_map")?.FirstOrDefault(w => w.Own && w.Op.Kind == Core.Machine.MachineOpKind.Store)?.Op
            ?? throw new PmapPluginException(model.Name, "its arch_pmap_map stored no PTE in the model's scenarios: nothing to compare with");
        // The model places xen_fixmap where the build's symbols say, at the same load address as QEMU's: its VA-to-PA offset.
        var modelOffset = (mapStore.EntryPa!.Value.Value & Page.Mask) - bin.XenFixmap;
        using var decoder = new Arm64Decoder(capstone);
        var classifier = new RealClassifier(model, bin.XenFixmap, pc => bin.Elf.FunctionAt(pc)?.Name);
        IReadOnlyList<ExecutedCall> calls;
        var offset = modelOffset;
        if (image is null) calls = StaticWalk.Run(bin, decoder, classifier, model, mapStore.New);
        else (calls, offset) = Dynamic(model, bin, image, decoder, classifier, timeout, modelOffset);
        var ordering = new RealOrdering(model, classifier, offset);
        var hazards = ordering.Check(calls);
        var streams = calls.GroupBy(c => (c.Call, c.PathKey)).Select(g => new RealPath(g.Key.Call, g.Count(), g.First().Instructions, [.. g.Select(c => c.State).Distinct().Order()]))
            .OrderBy(s => Array.IndexOf(Calls, s.Call)).ToList();
        var undeclared = calls.SelectMany(c => c.Instructions).Where(i => i.Role == RealRole.Undeclared).DistinctBy(i => i.Pc).ToList();
        var agreement = Agreement(modelReport, hazards);
        var verdicts = why ? RealWhy.Run(ordering, calls, streams) : null;
        return new RealHazardReport(image is not null, bin.Name, image is null ? null : Path.GetFileName(image), calls, streams, hazards, undeclared,
            agreement, verdicts, clock.Elapsed);
    }

    /// <summary>
    /// Per function, the rules the model's arch_pmap_map (arch_pmap_unmap) breaks at its end in <paramref name="modelReport"/>
    /// beside the rules the real pmap_map (pmap_unmap) broke.
    /// </summary>
    public static IReadOnlyList<ModelAgreement> Agreement(HazardReport modelReport, IReadOnlyList<RealHazard> hazards)
    {
        ArgumentNullException.ThrowIfNull(modelReport);
        ArgumentNullException.ThrowIfNull(hazards);
        return Calls.Select(call => new ModelAgreement(call,
            modelReport.Violations.Where(v => !v.AtUse && v.Hook == "arch_" + call).Select(v => v.Rule.Id).Distinct().Order().ToList(),
            hazards.Where(h => h.Call == call).Select(h => h.Rule.Id).Distinct().Order().ToList())).ToList();
    }

    private static (IReadOnlyList<ExecutedCall>, ulong) Dynamic(ArchModel model, RealBinary bin, string image, Arm64Decoder decoder,
        RealClassifier classifier, TimeSpan? timeout, ulong modelOffset)
    {
        var oracle = VerifyTargets.Oracle(model);
        var boot = oracle.XenBoot ?? throw new PmapUsageException(
            $"--xen-image: {model.Name} states no way to boot a real Xen image (its verification target has no XenBoot): see PORTING.md");
        IReadOnlyList<ExecutedCall> calls = [];
        ulong offset = modelOffset;
        XenBoot.Run(VerifyTargets.For(oracle), boot, image, (_, _) => 0, timeout ?? TimeSpan.FromMinutes(10), trace: (q, deadline) =>
        {
            calls = DynamicTrace.Run(q, boot, bin, decoder, classifier, deadline);
            if (bin.PhysOffset is { } at) offset = q.Gdb.ReadUInt64(at);
        });
        if (calls.Count == 0) throw new InvalidOperationException("the real Xen powered off without calling pmap_map or pmap_unmap");
        return (calls, offset);
    }
}
