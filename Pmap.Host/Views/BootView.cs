using System.Text.Json.Serialization;
using Pmap.Core;
using Pmap.Core.Arch;
using Pmap.Core.Machine;
using Pmap.Core.Scenarios;
using Spectre.Console;

namespace Pmap.Host.Views;

public sealed record RamDto(string Base, string Size);

public sealed record DirectmapDto(string Va, string Pa, ulong Pages, string? Note);

/// <summary>One of start_xen's other mappings in the boot (early_fdt_map, the frame table, the VMAP's), still in place at its end.</summary>
public sealed record BootMappingDto(string Function, string Va, string Pa, ulong Pages, bool HeapFrames);

public sealed record BootDto(string Arch, string Profile, RamDto Ram, DirectmapDto? Directmap,
    long TablesAllocated, int MaxPmapSlotsInUse, int PmapSlotsInUseAfter,
    IReadOnlyDictionary<string, long> Mappings, long PteWrites, long TlbFlushes, long Hazards, ulong VerifiedPages, ErrorDto? Error,
    IReadOnlyList<HazardDto> Findings, IReadOnlyList<BootMappingDto> BootMappings)
{
    /// <summary>A finding (exit 4): a rule the boot's sequences break, or a walk of an entry written with no synchronisation since.</summary>
    [JsonIgnore]
    public bool HasFindings => Findings.Count > 0 || Hazards > 0;
}

/// <summary>The boot scenario as `pmap boot` shows it.</summary>
public static class BootView
{
    public static BootDto From(ArchModel model, RamBank bank, XenMachine m, BootReport? r, XenCrashException? crash)
    {
        var ram = new RamDto(Hex.Format(bank.Base.Value), Hex.Format(bank.Size));
        var findings = m.Checker?.Violations.Select(HazardDto.Of).ToList() ?? [];
        if (r is null)
            return new BootDto(model.Name, model.Profile, ram, null, m.Counters.TablesAllocated, m.Pmap.MaxInUse, m.Pmap.InUse,
                new Dictionary<string, long>(),
                m.Counters.PteWrites, m.Counters.TlbFlushes, m.Counters.Hazards, 0,
                crash is null ? null : ErrorDto.Of(crash), findings, []);
        // Leaf sizes up to 1 GiB: no modelled architecture maps 512 GiB leaves.
        var mappings = r.Mappings.Where(kv => Hex.TryParseSize(kv.Key, out var size) && size <= 1UL << 30)
            .OrderByDescending(kv => Hex.TryParseSize(kv.Key, out var v) ? v : 0).ToDictionary(kv => kv.Key, kv => kv.Value);
        mappings["contiguous"] = r.Contiguous;
        // A page that walks to the wrong frame (or to none): the model's fault, never Xen's, so worded as neither a fault nor a BUG.
        var mismatch = r.FirstMismatch is { } f
            ? new ErrorDto(ErrorKind.Model, $"the model's own verification failed: VA {f.Va}{(f.Level is { } l ? $" (level {l})" : "")}: {f.Reason}")
            : null;
        return new BootDto(model.Name, model.Profile, ram,
            new DirectmapDto(Hex.Format(r.Mapped.Va.Value), Hex.Format(r.Mapped.Pa.Value), r.Mapped.Pages, r.Mapped.Note),
            r.TablesAllocated, r.MaxPmapSlotsInUse, r.PmapSlotsInUseAfter, mappings, r.PteWrites, r.TlbFlushes, r.Hazards, r.VerifiedPages, mismatch,
            findings, [.. r.BootMappings.Select(b => new BootMappingDto(b.Function, Hex.Format(b.Va.Value), Hex.Format(b.Pa.Value), b.Pages,
                b.HeapFrames))]);
    }

    public static void Render(IAnsiConsole c, BootDto d)
    {
        c.MarkupLine($"[bold]{d.Arch}[/] {Markup.Escape(d.Profile)}: RAM {d.Ram.Base} + {Hex.FormatSize(Convert.ToUInt64(d.Ram.Size, 16))}");
        var t = new Table().AddColumns("", "value");
        if (d.Directmap is { } dm)
        {
            t.AddRow("mapped", $"{Hex.FormatSize(dm.Pages << Page.Shift)}: PA {dm.Pa} at VA {dm.Va}");
            if (dm.Note is not null) t.AddRow("note", Markup.Escape(dm.Note));
        }
        foreach (var b in d.BootMappings)
        {
            t.AddRow(Markup.Escape(b.Function), $"{Hex.FormatSize(b.Pages << Page.Shift)}: PA {b.Pa}{(b.HeapFrames ? " (a heap page)" : "")} at VA {b.Va}");
        }
        foreach (var (k, v) in d.Mappings) t.AddRow(k == "contiguous" ? "entries with the contiguous hint" : $"{k} mappings", $"{v}");
        t.AddRow("tables allocated", $"{d.TablesAllocated}");
        t.AddRow("PMAP slots in use at most / after", $"{d.MaxPmapSlotsInUse} / {d.PmapSlotsInUseAfter}");
        t.AddRow("PTE writes / TLB flushes", $"{d.PteWrites} / {d.TlbFlushes}");
        t.AddRow("ordering hazards (walks of entries written with no synchronisation since)", $"{d.Hazards}");
        t.AddRow("pages verified by the walker", $"{d.VerifiedPages}");
        c.Write(t);
        // After a crash the crash is the report (printed once, on stderr); the findings stay in the JSON.
        if (d.Error is null) HazardsView.RenderHazards(c, d.Findings);
        if (d.HasFindings)
            c.MarkupLine($"[red]{d.Findings.Count} hazard(s)[/] against the architecture's rules, {d.Hazards} walk(s) of unsynchronised entries");
        if (d.Error is { } e) c.MarkupLine(MapView.Stopped(e));
    }
}
