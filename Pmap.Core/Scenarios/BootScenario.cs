using Pmap.Core.Arch;
using Pmap.Core.Machine;

namespace Pmap.Core.Scenarios;

/// <summary>What the early-boot scenario did and found.</summary>
public sealed record BootReport(
    RamBank Ram,
    DirectmapMapping Mapped,
    long TablesAllocated,
    int MaxPmapSlotsInUse,
    int PmapSlotsInUseAfter,
    IReadOnlyDictionary<string, long> Mappings,
    long Contiguous,
    long PteWrites,
    long TlbFlushes,
    long Hazards,
    ulong VerifiedPages,
    TranslationFault? FirstMismatch)
{
    /// <summary>start_xen's other early-boot mappings, in Xen's order around the directmap (early_fdt_map before, the frame table after).</summary>
    public IReadOnlyList<XenBootMapping> BootMappings { get; init; } = [];
}

/// <summary>
/// The scenario PMAP exists for: start_xen's early_boot mappings of one RAM bank, in Xen's order (the boot FDT, the
/// directmap, the frame table, as far as the port models them), every page-table page reached through PMAP; then the
/// directmap verified through the walker (<see cref="BootVerification"/>).
/// </summary>
public static class BootScenario
{
    /// <summary>Boots a machine with <paramref name="bank"/> as its RAM and runs the scenario on it.</summary>
    public static (XenMachine Machine, BootReport? Report, XenCrashException? Crash) Boot(ArchModel model, RamBank bank,
        MachineOptions? options = null, bool verifyEveryPage = false)
    {
        if (model.BankProblem(bank) is { } problem) throw new PmapUsageException(problem);
        var m = model.Boot((options ?? new MachineOptions { TraceEnabled = false }) with { Ram = [bank] });
        try
        {
            return (m, Run(model, m, bank, verifyEveryPage), null);
        }
        catch (XenCrashException e)
        {
            return (m, null, e);
        }
    }

    /// <summary>The scenario on a machine booted from an <see cref="ArchModel"/>.</summary>
    public static BootReport Run(XenMachine m, RamBank bank) =>
        Run(m.Arch as ArchModel ?? throw new ArgumentException("the machine was not booted from an ArchModel", nameof(m)), m, bank);

    /// <summary>The boot scenario on <paramref name="bank"/>: the early-boot mapping through PMAP, then its verification.</summary>
    /// <param name="model">The model the machine was booted from.</param>
    /// <param name="m">The machine.</param>
    /// <param name="bank">The RAM bank mapped.</param>
    /// <param name="verifyEveryPage">Walk every mapped page rather than each leaf once (with a sample of its pages).</param>
    /// <param name="earlyBootOnly">
    /// Stop at the end of early boot, before the port's <see cref="ArchModel.MapsInBoot"/> (the scenarios about PMAP, run
    /// hundreds of times under the ordering checker, need no VMAP with thousands of device pages).
    /// </param>
    public static BootReport Run(ArchModel model, XenMachine m, RamBank bank, bool verifyEveryPage = false, bool earlyBootOnly = false)
    {
        if (model.BankProblem(bank) is { } problem) throw new PmapUsageException(problem);
        m.Cpu.SystemState = SystemState.EarlyBoot;
        var before = (m.Counters.TablesAllocated, m.Counters.PteWrites, m.Counters.TlbFlushes, m.Counters.Hazards);
        var fdt = model.MapsBeforeDirectmap(m, bank);
        var mapped = model.SetupDirectmapMappings(m, bank);
        var frametable = model.MapsAfterDirectmap(m, bank);
        IReadOnlyList<XenBootMapping>? inBoot = null;
        if (!earlyBootOnly)
        {
            m.Cpu.SystemState = SystemState.Boot; // end_boot_allocator(); system_state = SYS_STATE_boot
            inBoot = model.MapsInBoot(m, bank);
            if (inBoot is null) m.Cpu.SystemState = SystemState.EarlyBoot; // a port that models nothing later stays in early boot
        }
        var after = (m.Counters.TablesAllocated, m.Counters.PteWrites, m.Counters.TlbFlushes, m.Counters.Hazards);
        var (verified, sizes, contiguous, mismatch) = BootVerification.Verify(m, mapped, verifyEveryPage);
        return new BootReport(bank, mapped,
            after.TablesAllocated - before.TablesAllocated, m.Pmap.MaxInUse, m.Pmap.InUse, sizes, contiguous,
            after.PteWrites - before.PteWrites, after.TlbFlushes - before.TlbFlushes, after.Hazards - before.Hazards,
            verified, mismatch)
        { BootMappings = [.. fdt, .. frametable, .. inBoot ?? []] };
    }

    /// <summary>A size in bytes as the reports print it (Hex.FormatSize).</summary>
    public static string SizeName(ulong bytes) => Hex.FormatSize(bytes);
}
