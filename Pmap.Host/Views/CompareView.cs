using Pmap.Core;
using Pmap.Core.Arch;
using Pmap.Core.Scenarios;
using Spectre.Console;

namespace Pmap.Host.Views;

public sealed record PmapSlotDto(int Slot, string Va);

public sealed record CompareArchDto(string Arch, string Profile, int Levels, int VaBits, int PaBits,
    string FixmapBase, string FixaddrStart, string FixaddrTop, string SlotDirection, string LeafTable, IReadOnlyList<PmapSlotDto> PmapSlots,
    string Pte, IReadOnlyList<string> MapOps, IReadOnlyList<string> UnmapOps,
    bool FlushOnMap, bool FlushOnUnmap, bool CachesInvalidEntries, string StoreOp, string? TlbFlushOp, string PmapCode)
{
    /// <summary>FIX_PMAP_BEGIN..FIX_PMAP_END, inclusive, as the source defines them (x86's series: one past the slots pmap.c uses).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public (int Begin, int End) PmapRange { get; init; }
}

public sealed record CompareDto(string Mfn, IReadOnlyList<CompareArchDto> Architectures)
{
    /// <summary>Profiles of one architecture: each column's release facts as `pmap versions` shows them (null: not a release).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<ReleaseDto?>? Releases { get; init; }
}

/// <summary>Architectures side by side as `pmap compare` shows them; what they execute is read off the trace.</summary>
public static class CompareView
{
    public static CompareArchDto From(ArchModel model, PmapSequence seen)
    {
        var f = model.Fixmap;
        var map = EventDto.Of(seen.MapEvents);
        var unmap = EventDto.Of(seen.UnmapEvents);
        var slots = Enumerable.Range(f.FixPmapBegin, f.NumFixPmap).Select(s => new PmapSlotDto(s, Hex.Format(f.FixToVirt(s).Value))).ToList();
        return new CompareArchDto(model.Name, model.Profile, model.Format.Levels, model.Format.VaBits, model.Format.PaBits,
            Hex.Format(f.FixToVirt(0).Value), Hex.Format(f.FixaddrStart.Value), Hex.Format(f.FixaddrTop.Value),
            f.Direction.ToString().ToLowerInvariant(), f.TableName,
            slots, Hex.Format(seen.Pte), seen.MapOps, seen.UnmapOps,
            map.Any(e => e.Kind == "tlb-flush"), unmap.Any(e => e.Kind == "tlb-flush"), model.CachesInvalidEntries,
            map.First(e => e.Kind == "pte-write").Op!, unmap.FirstOrDefault(e => e.Kind == "tlb-flush")?.Op, model.CommonCode.Name)
        {
            PmapRange = (f.FixPmapBegin, f.FixPmapEnd),
        };
    }

    /// <summary>The rows of the comparison, named as the CLI shows them; the report's side-by-side table uses the same.</summary>
    public static IReadOnlyList<(string Name, Func<CompareArchDto, string> Value)> Rows { get; } =
    [
        ("paging levels", a => $"{a.Levels}"),
        ("VA / PA bits", a => $"{a.VaBits} / {a.PaBits}"),
        ("fixmap grows", a => a.SlotDirection),
        ("fix_to_virt(0)", a => a.FixmapBase),
        ("FIXADDR_START..TOP", a => $"{a.FixaddrStart} .. {a.FixaddrTop}"),
        // FIX_PMAP_BEGIN..FIX_PMAP_END as Xen's enum has them, the range `layout` prints.
        ("PMAP slots", a => $"{a.PmapRange.Begin}..{a.PmapRange.End}"),
        ("first PMAP VA", a => a.PmapSlots[0].Va),
        ("last PMAP VA", a => a.PmapSlots[^1].Va),
        ("leaf table", a => a.LeafTable),
        ("PTE written", a => a.Pte),
        ("PTE store", a => a.StoreOp),
        ("arch_pmap_map", a => string.Join("; ", a.MapOps)),
        ("arch_pmap_unmap", a => string.Join("; ", a.UnmapOps)),
        ("TLB flush on map / unmap", a => $"{(a.FlushOnMap ? "yes" : "no")} / {(a.FlushOnUnmap ? "yes" : "no")}"),
        ("TLB may cache invalid entries", a => a.CachesInvalidEntries ? "yes" : "no"),
        ("pmap.c revision", a => a.PmapCode),
    ];

    public static void Render(IAnsiConsole c, CompareDto dto)
    {
        // The legend names the mark actually shown: yellow where there is colour, a trailing * where there is none.
        var color = Terminal.ShowsColor(c);
        var archs = dto.Architectures;
        var oneArch = archs.Count > 1 && archs.All(a => a.Arch == archs[0].Arch);
        var subject = oneArch ? $"{archs[0].Arch} at each profile ({string.Join(", ", archs.Select(a => a.Profile))})" : "each architecture";
        Lines.Write(c, 0, 2, ($"pmap_map({dto.Mfn}) on {subject};", null), (color ? "yellow" : "*", color ? "yellow" : null),
            ("marks a value that differs from the first column.", null));
        var rows = Rows.Concat(ReleaseRows(dto)).ToList();
        string Cell(CompareArchDto a, Func<CompareArchDto, string> value)
        {
            var v = Markup.Escape(value(a));
            return value(a) == value(archs[0]) ? v : color ? $"[yellow]{v}[/]" : v + " *";
        }
        // As many architectures per table as fit the console's width without cutting a word.
        var widths = new List<int> { Fit.MinWidth(rows.Select(r => r.Name)) };
        widths.AddRange(archs.Select(a => Fit.MinWidth(rows.Select(r => r.Value(a) + " *").Append(a.Arch).Append(a.Profile))));
        foreach (var chunk in Fit.Chunks(c.Profile.Width, widths))
        {
            var t = new Table().AddColumn("");
            if (oneArch) t.Title = new TableTitle($"{archs[0].Arch}: {archs.Count} profiles of one architecture");
            foreach (var i in chunk) t.AddColumn($"[bold]{Markup.Escape(archs[i - 1].Arch)}[/]\n{Markup.Escape(archs[i - 1].Profile)}");
            foreach (var (name, value) in rows) t.AddRow(new[] { name }.Concat(chunk.Select(i => Cell(archs[i - 1], value))).ToArray());
            c.Write(t);
        }
    }

    // The facts `pmap versions` lists, one row each, when the columns are releases of one architecture.
    private static IEnumerable<(string Name, Func<CompareArchDto, string> Value)> ReleaseRows(CompareDto dto)
    {
        if (dto.Releases is not { } releases || releases.All(r => r is null)) yield break;
        var facts = releases.OfType<ReleaseDto>().First().Facts.Select(f => f.Fact).ToList();
        var column = dto.Architectures.Select((a, i) => (a, i)).ToDictionary(p => p.a, p => releases[p.i]);
        foreach (var fact in facts)
            yield return (fact, a => column[a] is { } r ? VersionsView.Cell(r, fact)?.Value ?? "" : "not a release");
        yield return ("release commit", a => column[a] is { } r ? VersionsView.Abbreviated(r.Commit) : "not a release");
    }
}
