using Pmap.Core.Arch;
using Pmap.Core.Machine;
using Pmap.Core.Paging;

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
    TranslationFault? FirstMismatch);

/// <summary>
/// The scenario PMAP exists for: in early_boot, map a RAM bank with map_pages_to_xen while every
/// page-table page is reached through PMAP, then verify every page through the walker.
/// </summary>
public static class BootScenario
{
    /// <summary>Boots a machine with <paramref name="bank"/> as its RAM and runs the scenario on it.</summary>
    public static (XenMachine Machine, BootReport? Report, XenCrashException? Crash) Boot(ArchModel model, RamBank bank, MachineOptions? options = null)
    {
        if (model.BankProblem(bank) is { } problem) throw new PmapUsageException(problem);
        var m = model.Boot((options ?? new MachineOptions { TraceEnabled = false }) with { Ram = [bank] });
        try
        {
            return (m, Run(model, m, bank), null);
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
    public static BootReport Run(ArchModel model, XenMachine m, RamBank bank)
    {
        if (model.BankProblem(bank) is { } problem) throw new PmapUsageException(problem);
        m.Cpu.SystemState = SystemState.EarlyBoot;
        var before = (m.Counters.TablesAllocated, m.Counters.PteWrites, m.Counters.TlbFlushes, m.Counters.Hazards);
        var mapped = model.SetupDirectmapMappings(m, bank);
        var after = (m.Counters.TablesAllocated, m.Counters.PteWrites, m.Counters.TlbFlushes, m.Counters.Hazards);
        var (verified, sizes, contiguous, mismatch) = Verify(m, mapped);
        return new BootReport(bank, mapped,
            after.TablesAllocated - before.TablesAllocated, m.Pmap.MaxInUse, m.Pmap.InUse, sizes, contiguous,
            after.PteWrites - before.PteWrites, after.TlbFlushes - before.TlbFlushes, after.Hazards - before.Hazards,
            verified, mismatch);
    }

    /// <summary>Walks every mapped page; counts leaves by size (each leaf once) and leaves with a contiguous hint.</summary>
    private static (ulong Verified, IReadOnlyDictionary<string, long> Sizes, long Contiguous, TranslationFault? Mismatch) Verify(XenMachine m, DirectmapMapping mapped)
    {
        var sizes = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var level in m.Format.WalkOrder) sizes[SizeName(m.Format.LevelSize(level))] = 0;
        long contiguous = 0;
        ulong verified = 0;
        TranslationFault? mismatch = null;
        for (var page = 0UL; page < mapped.Pages; page++)
        {
            var va = mapped.Va.Add(page << Page.Shift);
            var expected = mapped.Pa.Add(page << Page.Shift);
            var pa = m.WalkFast(va, out var leaf, out var level, out var fault);
            if (pa is null || pa.Value != expected)
            {
                mismatch ??= fault ?? new TranslationFault(va, level, $"maps {pa} instead of {expected}");
                continue;
            }
            verified++;
            // Count each leaf once: at the first page of it that the mapping covers.
            var leafSize = m.Format.LevelSize(level);
            if (page != 0 && (va.Value & (leafSize - 1)) != 0) continue;
            sizes[SizeName(leafSize)]++;
            if (m.Codec.Attributes(leaf, level).Contiguous) contiguous++;
        }
        return (verified, sizes, contiguous, mismatch);
    }

    /// <summary>A size in bytes as the reports print it (Hex.FormatSize).</summary>
    public static string SizeName(ulong bytes) => Hex.FormatSize(bytes);
}
