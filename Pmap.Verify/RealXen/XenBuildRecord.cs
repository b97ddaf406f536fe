using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Pmap.Core;
using Pmap.Core.Arch;

namespace Pmap.Verify.RealXen;

/// <summary>
/// A table page of a real Xen's tree: its PA, level, the VA its entry 0 maps, its name (a static table, else table@PA), and its
/// non-zero entries as "INDEX=VALUE" (decimal index, raw entry in hex), one a line.
/// </summary>
public sealed record RecordedTable(string Pa, int Level, string Va, string Name, IReadOnlyList<string> Entries);

/// <summary>One pmap_map or pmap_unmap call of the real Xen: the fixmap slot and the frame.</summary>
public sealed record RecordedCall(string Op, int Slot, string Mfn);

/// <summary>How the build was booted: the port's machine, RAM and Xen's command line.</summary>
public sealed record RecordedBoot(string Qemu, IReadOnlyList<string> MachineArgs, string RamBase, string RamSize, string BootArgs);

/// <summary>
/// What one real Xen build did under QEMU, enough to hold a profile to it without QEMU (`pmap verify --xen-image --record`,
/// docs/CLI.md): its version and profile, the symbols that place its image, its tables at power-off (non-zero entries
/// only) and its PMAP calls. The recording script adds how the build was made (<see cref="Build"/>).
/// </summary>
public sealed record XenBuildRecord(string Arch, string? Version, string Profile, string Image, long ImageSize, string LoadAddress,
    IReadOnlyDictionary<string, string> Symbols, RecordedBoot Boot, string Root, string? Panic, IReadOnlyList<RecordedTable> Tables,
    IReadOnlyList<RecordedCall> PmapCalls)
{
    /// <summary>The build's own facts (tag, commit, compiler, config...), as the recording script wrote them; null from pmap alone.</summary>
    public JsonElement? Build { get; init; }

    /// <summary>
    /// The instructions each pmap_map and pmap_unmap call executed and the hazards found in them (`pmap hazards --json`, dynamic
    /// and static), as the recording script wrote them; null from pmap alone. <see cref="RealAsm.RecordedStreams"/> reads them.
    /// </summary>
    public JsonElement? Hazards { get; init; }

    /// <summary>The symbols a record keeps besides the port's static tables: the image's sections and the two traced functions.</summary>
    public static readonly string[] ImageSymbols =
        ["_start", "_end", "_stext", "_etext", "_sinittext", "_einittext", "_srodata", "_erodata", "pmap_map", "pmap_unmap"];

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
    };

    public string ToJson() => JsonSerializer.Serialize(this, Options);

    /// <summary>Reads a record; a file that is not one is a <see cref="FormatException"/> naming it.</summary>
    public static XenBuildRecord Parse(string json, string source)
    {
        try
        {
            return JsonSerializer.Deserialize<XenBuildRecord>(json, Options) ?? throw new FormatException($"{source}: empty");
        }
        catch (JsonException e)
        {
            throw new FormatException($"{source} is not a Xen build record: {e.Message}", e);
        }
    }

    /// <summary>The record of a traced run: <paramref name="report"/> with the model given the build's symbols.</summary>
    public static XenBuildRecord From(RealXenReport report, ArchModel model, XenSymbols symbols, XenBootTarget boot, string qemu,
        XenBuildVersion? version, long imageSize)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(symbols);
        ArgumentNullException.ThrowIfNull(boot);
        var real = report.RealTables ?? throw new ArgumentException("the report kept no real tables", nameof(report));
        var names = new Dictionary<ulong, string>();
        foreach (var t in model.Image.Tables)
            for (var p = 0; p < t.Pages; p++) names[t.Address.Value + ((ulong)p << Page.Shift)] = t.Pages == 1 ? t.Name : $"{t.Name}[{p}]";
        var kept = ImageSymbols.Concat(model.Image.Tables.Select(t => t.Name))
            .Where(n => Has(symbols, n)).ToDictionary(n => n, n => Hex.Format(symbols[n, "--xen-syms"]));
        var calls = report.Pmap?.Real.Select(c => new RecordedCall(c.Map ? "map" : "unmap", c.Slot, Hex.Format(c.Mfn))).ToList() ?? [];
        var tables = Place(real, model.Format, model.Codec).Select(t => new RecordedTable(Hex.Format(t.Table.Pa.Value), t.Table.Level,
            Hex.Format(t.Va), names.GetValueOrDefault(t.Table.Pa.Value, $"table@{Hex.Format(t.Table.Pa.Value)}"),
            [.. t.Table.Entries.Select((e, i) => (e, i)).Where(x => x.e != 0).Select(x => $"{x.i}={Hex.Format(x.e)}")])).ToList();
        return new XenBuildRecord(model.Name, version?.Full, model.Profile, report.Image, imageSize, Hex.Format(model.Image.Load.Value),
            kept, new RecordedBoot(qemu, boot.MachineArgs, Hex.Format(boot.RamBase), Hex.Format(boot.RamSize), boot.BootArgs),
            Hex.Format(real.Root.Value), PanicOf(report.Console), tables, calls);
    }

    private static bool Has(XenSymbols symbols, string name)
    {
        try
        {
            _ = symbols[name, "--xen-syms"];
            return true;
        }
        catch (PmapConfigurationException)
        {
            return false;
        }
    }

    /// <summary>The line after "(XEN) Panic on CPU n:", or null.</summary>
    public static string? PanicOf(string console)
    {
        var lines = console.Split('\n', StringSplitOptions.TrimEntries);
        var at = Array.FindIndex(lines, l => l.StartsWith("(XEN) Panic on CPU", StringComparison.Ordinal));
        return at >= 0 && at + 1 < lines.Length ? lines[at + 1] : null;
    }

    private static ulong Number(string hex) =>
        Hex.TryParseNumber(hex, out var v) ? v : throw new FormatException($"'{hex}' in a Xen build record is not a number");

    /// <summary>Each page of the tree with the VA its entry 0 maps (first reached, depth first from the root).</summary>
    private static List<(ExportedTable Table, ulong Va)> Place(TableSnapshot s, PageTableFormat format, IPteCodec codec)
    {
        var byPa = s.Tables.ToDictionary(t => t.Pa.Value);
        var placed = new List<(ExportedTable, ulong)>();
        var seen = new HashSet<ulong>();
        Visit(s.Root.Value, format.RootLevel, 0);
        return placed;

        void Visit(ulong pa, int level, ulong va)
        {
            if (!seen.Add(pa) || !byPa.TryGetValue(pa, out var t)) return;
            placed.Add((t, va));
            if (level == format.LeafLevel) return;
            for (var i = 0; i < t.Entries.Length; i++)
                if (codec.Classify(t.Entries[i], level) == PteKind.Table)
                    Visit(codec.OutputAddress(t.Entries[i], level).Value, level + format.Step, va + ((ulong)i * format.LevelSize(level)));
        }
    }

    /// <summary>The recorded tree as an export of it (zero entries restored).</summary>
    public TableSnapshot RealTables() => new(new PhysAddr(Number(Root)), Tables.Select(t =>
    {
        var entries = new ulong[Page.EntriesPerTable];
        foreach (var e in t.Entries)
        {
            var at = e.IndexOf('=', StringComparison.Ordinal);
            if (at <= 0 || !int.TryParse(e.AsSpan(0, at), NumberStyles.None, CultureInfo.InvariantCulture, out var i) || i >= entries.Length)
                throw new FormatException($"'{e}' in table {t.Name} of a Xen build record is not INDEX=VALUE");
            entries[i] = Number(e[(at + 1)..]);
        }
        return new ExportedTable(new PhysAddr(Number(t.Pa)), t.Level, entries);
    }).ToList());

    /// <summary>The recorded PMAP calls.</summary>
    public IReadOnlyList<PmapCall> RealCalls() => PmapCalls.Select(c => new PmapCall(c.Op == "map", c.Slot, Number(c.Mfn))).ToList();
}
