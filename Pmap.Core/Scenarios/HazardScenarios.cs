#pragma warning disable CS1591 // Not yet documented member by member; the types say what they are.
using Pmap.Core.Arch;
using Pmap.Core.Machine;

namespace Pmap.Core.Scenarios;

/// <summary>What the hazard scenarios found: every rule broken, each hook's own instructions, and any scenario that died.</summary>
public sealed record HazardReport(IReadOnlyList<OrderingViolation> Violations, IReadOnlyDictionary<string, IReadOnlyList<string>> HookOps,
    IReadOnlyList<string> Failures, IReadOnlyDictionary<string, IReadOnlyList<WindowOp>> Windows)
{
    public bool Clean => Violations.Count == 0 && Failures.Count == 0;

    /// <summary>Per instruction of a hook, the window of the first run that executed it (<see cref="OrderingChecker.SiteWindows"/>).</summary>
    public IReadOnlyDictionary<(string Hook, int Site), IReadOnlyList<WindowOp>> SiteWindows { get; init; } =
        new Dictionary<(string Hook, int Site), IReadOnlyList<WindowOp>>();
}

/// <summary>
/// The standard scenarios run under the ordering checker: map, touch, unmap, touch; remap of a freed slot to another frame;
/// and the boot scenario (map_pages_to_xen with every table reached through PMAP).
/// </summary>
public static class HazardScenarios
{
    /// <summary>Scenario RAM: enough for the image and a directmap with a few tables, small enough to run hundreds of mutants.</summary>
    public const ulong RamSize = 64UL << 20;

    public static IReadOnlyList<string> Names { get; } = ["map-touch-unmap-touch", "remap-freed-slot", "boot"];

    /// <summary>Runs the scenarios; <paramref name="sequences"/> replaces the PMAP hooks' instruction streams (a reviewer's).</summary>
    public static HazardReport Run(ArchModel model, IReadOnlyList<(string Hook, int Index)>? mutation = null, HookSequences? sequences = null)
    {
        var violations = new List<OrderingViolation>();
        var seen = new HashSet<(string, string, bool)>();
        var hookOps = new Dictionary<string, IReadOnlyList<string>>();
        var failures = new List<string>();
        var windows = new Dictionary<string, IReadOnlyList<WindowOp>>();
        var siteWindows = new Dictionary<(string Hook, int Site), IReadOnlyList<WindowOp>>();
        var bank = model.DefaultRam with { Size = Math.Min(model.DefaultRam.Size, RamSize) };
        foreach (var name in Names)
        {
            var m = model.Boot(new MachineOptions
            {
                TraceEnabled = false,
                CheckOrdering = true,
                Mutation = mutation,
                Ram = [bank],
                Sequences = sequences
            });
            try
            {
                if (RunOne(name, model, m, bank) is { } problem) failures.Add($"{name}: {problem}");
            }
            catch (XenCrashException e)
            {
                failures.Add($"{name}: {e.Message}");
            }
            var c = m.Checker!;
            foreach (var v in c.Violations.Where(v => seen.Add((v.Rule.Id, v.Hook, v.AtUse)))) violations.Add(v);
            foreach (var (hook, ops) in c.HookInstructions) hookOps.TryAdd(hook, ops);
            foreach (var (hook, ops) in c.Windows) windows.TryAdd(hook, ops);
            foreach (var (site, ops) in c.SiteWindows) siteWindows.TryAdd(site, ops);
        }
        return new HazardReport(violations, hookOps, failures, windows) { SiteWindows = siteWindows };
    }

    private static string? RunOne(string name, ArchModel model, XenMachine m, RamBank bank)
    {
        // Two frames near the top of the bank, clear of the image and of the boot allocator's first pages.
        var a = bank.End.Add(unchecked(0UL - (2 * Page.Size)));
        var b = bank.End.Add(unchecked(0UL - Page.Size));
        m.Memory.Write64(a, 0xA);
        m.Memory.Write64(b, 0xB);
        switch (name)
        {
            case "map-touch-unmap-touch":
                {
                    var va = m.Pmap.Map(a.ToMfn());
                    if (m.ReadVirt64(va) != 0xA) return $"a load through {va} did not reach the mapped frame";
                    m.Pmap.Unmap(va);
                    try
                    {
                        m.ReadVirt64(va);
                        m.Checker!.StaleUse(va, $"a load through {va} after pmap_unmap still reached {a}: a stale translation was used");
                    }
                    catch (HypervisorFaultException)
                    {
                        // The fault is what an unmapped slot must give.
                    }
                    return null;
                }
            case "remap-freed-slot":
                {
                    var va = m.Pmap.Map(a.ToMfn());
                    m.ReadVirt64(va);
                    m.Pmap.Unmap(va);
                    var again = m.Pmap.Map(b.ToMfn());
                    if (m.ReadVirt64(again) != 0xB)
                        m.Checker!.StaleUse(again, $"a load through {again} remapped to {b} still reached {a}: the old translation was used");
                    m.Pmap.Unmap(again);
                    return null;
                }
            default:
                {
                    var report = BootScenario.Run(model, m, bank, earlyBootOnly: true);
                    return report.FirstMismatch is { } f ? $"the directmap does not translate: {f.Describe()}" : null;
                }
        }
    }
}
