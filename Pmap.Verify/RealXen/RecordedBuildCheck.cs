using Pmap.Core;
using Pmap.Core.Machine;
using Pmap.Core.Scenarios;

namespace Pmap.Verify.RealXen;

/// <summary>A recorded build beside the model's boot of the same RAM: the table comparison and the PMAP calls, as a live run gives them.</summary>
public sealed record RecordedBuildComparison(XenBuildRecord Record, ArchModel Model, TableComparison Tables, PmapTraceComparison Pmap);

/// <summary>
/// Holds a profile to a recorded real build without QEMU: the model, laid out by the build's recorded symbols and loaded
/// where the build was, boots the recorded RAM; its tables and PMAP calls are compared with the recorded ones exactly as
/// <see cref="RealXenCheck"/> compares a live Xen's.
/// </summary>
public static class RecordedBuildCheck
{
    /// <summary>
    /// Compares <paramref name="record"/> with <paramref name="arch"/>'s model under <paramref name="profile"/> (default: the record's),
    /// laid out by the recorded symbols, or with <paramref name="recordedSymbols"/> false by the profile's own facts.
    /// </summary>
    public static RecordedBuildComparison Compare(IArchitecture arch, XenBuildRecord record, string? profile = null, bool recordedSymbols = true)
    {
        ArgumentNullException.ThrowIfNull(arch);
        ArgumentNullException.ThrowIfNull(record);
        var listing = Path.Combine(Path.GetTempPath(), $"pmap-record-{Guid.NewGuid():N}.nm");
        try
        {
            // The recorded symbols as nm lists them: the port reads its image layout the way --xen-syms gives it.
            File.WriteAllLines(listing, record.Symbols.Select(s => $"{s.Value[2..]} D {s.Key}"));
            var settings = ArchSettings.For(profile ?? record.Profile) with
            {
                SymbolsFile = recordedSymbols ? listing : null,
                XenLoadAddress = new PhysAddr(Number(record.LoadAddress)),
            };
            var model = arch.Create(settings);
            var bank = new RamBank(new PhysAddr(Number(record.Boot.RamBase)), Number(record.Boot.RamSize));
            var (m, report, crash) = BootScenario.Boot(model, bank, new MachineOptions { TraceEnabled = true });
            if (crash is not null) throw crash;
            // A record keeps no RAM beyond the tables: the FDT's size unread, its whole early_fdt_map block is kept out.
            var mappings = report?.BootMappings;
            var tables = TableDiff.Compare(TableExport.Export(m), record.RealTables(), m.Format, m.Codec, m.TableName, mappings,
                XenHeap.Of(model, bank, mappings));
            var pmap = XenPmapTrace.Compare(record.RealCalls(), XenPmapTrace.Calls(m.Trace));
            return new RecordedBuildComparison(record, model, tables, pmap);
        }
        finally
        {
            File.Delete(listing);
        }
    }

    private static ulong Number(string hex) =>
        Hex.TryParseNumber(hex, out var v) ? v : throw new FormatException($"'{hex}' in a Xen build record is not a number");
}
