using Pmap.Core;
using Pmap.Core.Arch;
using Pmap.Core.Machine;
using Pmap.Core.Scenarios;
using Pmap.Qemu;

namespace Pmap.Verify.RealXen;

/// <summary>
/// A real Xen's page tables at its final power-off beside the model's after booting the same RAM; with the build's
/// symbols, also its PMAP calls beside the model's (<paramref name="Pmap"/>, else null). <paramref name="RealTables"/>: Xen's tree as read.
/// </summary>
public sealed record RealXenReport(string Arch, string Profile, string Image, string RootRegister, ulong Root, string Console,
    int ModelTablePages, int RealTablePages, TableComparison Comparison, TimeSpan XenTime, PmapTraceComparison? Pmap = null,
    TableSnapshot? RealTables = null)
{
    /// <summary>The RAM a heap frame of Xen's could be in (what <see cref="EntryDiff.HeapChose"/> was checked against).</summary>
    public XenHeap? Heap { get; init; }

    /// <summary>The RAM bank both booted.</summary>
    public RamBank Ram { get; init; }

    /// <summary>
    /// Tables equal entry for entry but for frames Xen's heap chose, every table page with its counterpart and, when traced, the
    /// PMAP call sequences equal: verify's exit 0.
    /// </summary>
    public bool Agrees => Comparison.Agrees && Pmap?.Agrees != false;
}

public static class RealXenCheck
{
    /// <summary>
    /// Boots <paramref name="image"/> under QEMU and compares its tables, entry by entry, with the model's. When the
    /// model was given the build's symbols (--xen-syms), breakpoints at their pmap_map and pmap_unmap trace the slots.
    /// </summary>
    /// <param name="model">The model, with the build's symbols when the PMAP calls are to be traced.</param>
    /// <param name="image">The Xen image QEMU boots.</param>
    /// <param name="timeout">How long Xen may take to power off (90 s by default).</param>
    /// <param name="ramSize">The RAM QEMU gives Xen and the model boots (the port's <see cref="XenBootTarget.RamSize"/> by default).</param>
    public static RealXenReport Run(ArchModel model, string image, TimeSpan? timeout = null, ulong? ramSize = null)
    {
        var oracle = VerifyTargets.Oracle(model);
        var boot = oracle.XenBoot ?? throw new PmapUsageException(
            $"--xen-image: {model.Name} states no way to boot a real Xen image (its verification target has no XenBoot): see PORTING.md");
        if (ramSize is { } size) boot = boot with { RamSize = size };
        var symbols = model.Settings.Symbols();
        var key = model.Settings.SymbolsFile is null ? "SymbolsFile" : "--xen-syms";
        var entry = symbols is null ? null : new PmapEntryPoints(symbols["pmap_map", key], symbols["pmap_unmap", key]);
        var bank = new RamBank(new PhysAddr(boot.RamBase), boot.RamSize);
        var (m, report, crash) = BootScenario.Boot(model, bank,
            new MachineOptions { TraceEnabled = entry is not null });
        if (crash is not null) throw crash;
        var modelTables = TableExport.Export(m);
        var (real, state, heap) = XenBoot.Run(VerifyTargets.For(oracle), boot, image, (q, s) =>
        {
            var root = new PhysAddr(s.Root & boot.RootAddressMask);
            return (TableExport.Export(pa => ReadPage(q, pa), m.Format, m.Codec, root), s,
                XenHeap.Of(model, bank, report?.BootMappings, pa => q.ReadPhysical(pa.Value, 8)));
        }, timeout, entry);
        var comparison = TableDiff.Compare(modelTables, real, m.Format, m.Codec, m.TableName, report?.BootMappings, heap);
        var pmap = state.PmapStops is { } stops
            ? XenPmapTrace.Compare(XenPmapTrace.Calls(stops, model.Fixmap), XenPmapTrace.Calls(m.Trace))
            : null;
        return new RealXenReport(model.Name, model.Profile, Path.GetFileName(image), boot.RootRegister, state.Root, state.Console,
            modelTables.Tables.Count, real.Tables.Count, comparison, state.Elapsed, pmap, real)
        { Ram = bank, Heap = heap };
    }

    private static ulong[] ReadPage(QemuInstance q, PhysAddr pa)
    {
        var bytes = q.ReadPhysical(pa.Value, (int)Page.Size);
        var entries = new ulong[Page.EntriesPerTable];
        Buffer.BlockCopy(bytes, 0, entries, 0, bytes.Length);
        return entries;
    }
}
