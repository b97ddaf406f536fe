using Pmap.Core.Arch;
using Pmap.Core.Machine;
using Pmap.Core.Scenarios;

namespace Pmap.Core.Conformance;

/// <summary>The outcome of one conformance check.</summary>
public sealed record ConformanceResult(ConformanceCheck Check, bool Passed, string Detail);

/// <summary>
/// What every architecture plugin must satisfy, whatever its format: the contract read against itself.
/// Plain code (no test framework), so the CLI and an xunit base class run the same checks.
/// </summary>
public static class ConformanceSuite
{
    /// <summary>Every check, in the order they run (the facts check first).</summary>
    public static IReadOnlyList<ConformanceCheck> Checks { get; } = Enum.GetValues<ConformanceCheck>();

    /// <summary>Runs every check on one profile (default: the architecture's default profile).</summary>
    public static IReadOnlyList<ConformanceResult> RunAll(IArchitecture arch, string? profile = null) =>
        Checks.Select(c => Run(c, arch, profile ?? arch.DefaultProfile)).ToList();

    /// <summary>Runs one check on one profile; an exception from the port is a failed result naming it.</summary>
    public static ConformanceResult Run(ConformanceCheck check, IArchitecture arch, string profile)
    {
        try
        {
            var model = arch.Create(ArchSettings.For(profile));
            var problem = check switch
            {
                ConformanceCheck.PossibleFacts => PortFacts.Problem(model),
                ConformanceCheck.FixmapInverse => CheckFixmapInverse(model),
                ConformanceCheck.SlotsMapAndUnmap => CheckSlotsMapAndUnmap(model),
                ConformanceCheck.SlotsInsideFixmap => model.Fixmap.Problem(model.Format),
                ConformanceCheck.PteRoundTrip => CheckPteRoundTrip(model),
                ConformanceCheck.TranslateThenFault => CheckTranslateThenFault(model),
                ConformanceCheck.OneEntryPerHook => CheckOneEntryPerHook(model),
                ConformanceCheck.BootScenario => CheckBoot(model),
                ConformanceCheck.RejectsOversizedLayout => CheckRejectsOversized(arch, profile),
                ConformanceCheck.StatesMaintenanceRules => NoRules(model),
                ConformanceCheck.OrderingRules => NoRules(model) ?? CheckOrderingRules(model),
                ConformanceCheck.EveryInstructionExplained => NoRules(model) ?? CheckEveryInstructionExplained(model),
                _ => throw new ArgumentOutOfRangeException(nameof(check), check, "no such check"),
            };
            return new ConformanceResult(check, problem is null, problem ?? "ok");
        }
        catch (Exception e) when (e is not ArgumentException)
        {
            return new ConformanceResult(check, false, $"{e.GetType().Name}: {e.Message}");
        }
    }

    private static string? CheckFixmapInverse(ArchModel model)
    {
        var f = model.Fixmap;
        // A downward fixmap reserves index 0: fix_to_virt(0) is FIXADDR_TOP itself (x86's FIX_RESERVED).
        var first = f.Direction == SlotDirection.Down ? 1 : 0;
        for (var slot = first; slot < f.EndOfFixedAddresses; slot++)
        {
            var va = f.FixToVirt(slot);
            if (va.Value < f.FixaddrStart.Value || va.Value >= f.FixaddrTop.Value)
                return $"fix_to_virt({slot}) = {va} is outside [FIXADDR_START {f.FixaddrStart}, FIXADDR_TOP {f.FixaddrTop}), " +
                    "so virt_to_fix BUGs on it";
            if (f.VirtToFix(va) != slot) return $"virt_to_fix(fix_to_virt({slot})) = {f.VirtToFix(va)}";
        }
        foreach (var outside in new[] { f.FixaddrTop, new VirtAddr(f.FixaddrStart.Value - 1) })
        {
            try
            {
                f.VirtToFix(outside);
                return $"virt_to_fix({outside}) outside the fixmap did not BUG";
            }
            catch (VirtToFixBugException)
            {
            }
        }
        return null;
    }

    private static string? CheckSlotsMapAndUnmap(ArchModel model)
    {
        var m = model.Boot();
        var vas = new List<VirtAddr>();
        for (var i = 0; i < model.Fixmap.NumFixPmap; i++) vas.Add(m.Pmap.Map(new Mfn(0x100UL + (ulong)i)));
        if (vas.Distinct().Count() != vas.Count) return "a slot was handed out twice";
        foreach (var va in Enumerable.Reverse(vas)) m.Pmap.Unmap(va);
        return m.Pmap.InUse == 0 ? null : $"{m.Pmap.InUse} slots still in use after unmapping all";
    }

    private static string? CheckPteRoundTrip(ArchModel model)
    {
        var rng = new Random(0x9e37);
        var leaf = model.Format.LeafLevel;
        var m = model.Boot(new MachineOptions { TraceEnabled = false });
        for (var i = 0; i < 2000; i++)
        {
            var mfn = new Mfn(i == 0 ? model.Format.MaxMfn : (ulong)rng.NextInt64() % (model.Format.MaxMfn + 1));
            var va = m.Pmap.Map(mfn);
            var pte = m.WalkDetailed(va).LeafEntry;
            m.Pmap.Unmap(va);
            var d = model.Codec.Decode(pte, leaf);
            if (d.Kind != PteKind.Page || !d.Valid || d.OutputAddress != mfn.ToPhysAddr())
                return $"MFN {mfn}: entry {Hex.Format(pte)} decodes as {d.Kind} at {d.OutputAddress}";
            if (model.Codec.Classify(d.Raw, leaf) != PteKind.Page || model.Codec.OutputAddress(d.Raw, leaf) != mfn.ToPhysAddr())
                return $"MFN {mfn}: Classify/OutputAddress disagree with Decode";
        }
        return null;
    }

    private static string? CheckTranslateThenFault(ArchModel model)
    {
        var m = model.Boot();
        var mapped = Enumerable.Range(0, model.Fixmap.NumFixPmap).Select(i => (Mfn: new Mfn(0x200UL + (ulong)i), Va: default(VirtAddr))).ToList();
        for (var i = 0; i < mapped.Count; i++)
        {
            var va = m.Pmap.Map(mapped[i].Mfn);
            mapped[i] = (mapped[i].Mfn, va);
            m.WriteVirt64(va, mapped[i].Mfn.Value); // fills the TLB
            if (m.Translate(va) != mapped[i].Mfn.ToPhysAddr()) return $"{va} translates to {m.Translate(va)}, not to MFN {mapped[i].Mfn}";
            if (m.WalkFast(va, out _, out _, out _) != mapped[i].Mfn.ToPhysAddr()) return $"the walker does not reach MFN {mapped[i].Mfn} from {va}";
        }
        foreach (var (_, va) in mapped) m.Pmap.Unmap(va);
        foreach (var (_, va) in mapped)
        {
            try
            {
                m.ReadVirt64(va);
                return $"{va} still translates after pmap_unmap: a stale TLB entry survived";
            }
            catch (HypervisorFaultException)
            {
            }
        }
        return null;
    }

    private static string? CheckOneEntryPerHook(ArchModel model)
    {
        var seen = PmapSequence.Observe(model, new Mfn(0x12345));
        var backing = model.Boot().WalkDetailed(seen.Va).Steps[^1];
        foreach (var (hook, events) in new[] { ("arch_pmap_map", seen.MapEvents), ("arch_pmap_unmap", seen.UnmapEvents) })
        {
            var stores = events.Where(e => e.Kind == TraceKind.PteWrite).ToList();
            if (stores.Count != 1) return $"{hook} stores {stores.Count} entries";
            var expected = backing.Table.Add((ulong)backing.Index * Page.EntryBytes);
            if (stores[0].Pa != expected || stores[0].Table != model.Fixmap.TableName)
                return $"{hook} stores {stores[0].Table}[{stores[0].Entry}] at {stores[0].Pa}, " +
                    $"not {model.Fixmap.TableName}[{backing.Index}] at {expected}";
        }
        return null;
    }

    private static string? CheckBoot(ArchModel model)
    {
        var bank = new RamBank(model.DefaultRam.Base, Math.Min(model.DefaultRam.Size, 256UL << 20));
        var m = model.Boot(new MachineOptions { Ram = [bank], TraceEnabled = false });
        var r = BootScenario.Run(model, m, bank);
        if (r.FirstMismatch is { } f) return $"verification failed: {f.Describe()}";
        if (r.VerifiedPages != r.Mapped.Pages || r.VerifiedPages == 0) return $"verified {r.VerifiedPages} of {r.Mapped.Pages} pages";
        return r.PmapSlotsInUseAfter == 0 ? null : $"{r.PmapSlotsInUseAfter} PMAP slots left in use after boot";
    }

    private static string? CheckRejectsOversized(IArchitecture arch, string profile)
    {
        // 4096 slots cannot fit any 512-entry leaf table: Create must refuse, or the layout check must.
        try
        {
            var model = arch.Create(ArchSettings.For(profile, numFixPmap: 4096));
            return model.Fixmap.Problem(model.Format) is null ? "a 4096-slot PMAP was accepted" : null;
        }
        catch (PmapConfigurationException)
        {
            return null;
        }
    }

    // Without rules nothing can break one: a check held to none says it could not check, never that it passed.
    private static string? NoRules(ArchModel model) => model.Maintenance.Stated ? null
        : $"not checked: {model.Name} states no maintenance rules (ArchModel.Maintenance), so no sequence can be held to any";

    private static string? CheckOrderingRules(ArchModel model)
    {
        var r = HazardScenarios.Run(model);
        if (r.Clean) return null;
        var found = r.Violations.Select(v => $"{v.Rule.Id} {(v.AtUse ? "at a use" : "at the end")} of {v.Hook}: {string.Join("; ", v.Sequence)}");
        return string.Join(" | ", found.Concat(r.Failures));
    }

    private static string? CheckEveryInstructionExplained(ArchModel model)
    {
        var unexplained = WhyAnalysis.Run(model).Where(v => v.Unexplained).ToList();
        return unexplained.Count == 0 ? null : string.Join(" | ", unexplained.Select(v => $"{v.Hook} #{v.Index} `{v.Instruction}`: {v.Reason}"));
    }
}
