using Pmap.Core;
using Pmap.Core.Arch;
using Pmap.Core.Scenarios;
using Spectre.Console;

namespace Pmap.Host.Views;

public sealed record SlotDto(int Index, string Name, [property: JsonHex] string Va, string? Table, int? Entry);

public sealed record LayoutDto(string Arch, string Profile, [property: JsonHex] string FixaddrStart, [property: JsonHex] string FixaddrTop,
    int PmapBegin, int PmapEnd, int NumFixPmap, [property: JsonOneOf(typeof(SlotDirection))] string SlotDirection, IReadOnlyList<string> Notes, IReadOnlyList<SlotDto> Slots)
{
    /// <summary>What the port does not model on this architecture; human output only.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<string> NotModelled { get; init; } = [];
}

/// <summary>The fixmap as `pmap layout` shows it.</summary>
public static class LayoutView
{
    private static readonly string[] Headers = ["slots", "name", "va", "backing entry"];

    public static LayoutDto From(ArchModel model, IReadOnlyList<FixmapSlot> slots)
    {
        var f = model.Fixmap;
        return new LayoutDto(model.Name, model.Profile, Hex.Format(f.FixaddrStart.Value), Hex.Format(f.FixaddrTop.Value),
            f.FixPmapBegin, f.FixPmapEnd, f.NumFixPmap, f.Direction.ToString().ToLowerInvariant(), model.Notes,
            slots.Select(s => new SlotDto(s.Index, s.Name, Hex.Format(s.Va.Value), s.Table, s.Entry)).ToList())
        {
            NotModelled = model.NotModelled,
        };
    }

    public static void Render(IAnsiConsole c, LayoutDto dto)
    {
        Lines.Write(c, 0, 2, (dto.Arch, "bold"), ($"{dto.Profile}: fixmap {dto.FixaddrStart}..{dto.FixaddrTop} (FIXADDR_START..FIXADDR_TOP), "
            + $"grows {dto.SlotDirection}; PMAP slots {dto.PmapBegin}..{dto.PmapEnd} (NUM_FIX_PMAP {dto.NumFixPmap})", null));
        // Plain columns two blanks apart (one where two would not fit), each as wide as its widest cell: x86's longest row (FIX_MSIX_IO_RESERV[304..511], a VA
        // range on two lines, l1_fixmap[303..0]) fits 80 columns with no name or address cut, which Spectre's tables do not promise.
        var rows = Runs(dto.Slots).Select(run =>
        {
            var (first, last) = (run[0], run[^1]);
            return (Pmap: first.Index >= dto.PmapBegin && first.Index <= dto.PmapEnd, Cells: new[]
            {
                run.Count == 1 ? $"{first.Index}" : $"{first.Index}..{last.Index}",
                run.Count == 1 ? first.Name : $"{first.Name.Split('[')[0]}[{Inner(first.Name)}..{Inner(last.Name)}]",
                run.Count == 1 ? first.Va : $"{first.Va}..\n{last.Va}",
                first.Table is null ? "(no static table)"
                    : run.Count == 1 ? $"{first.Table}[{first.Entry}]" : $"{first.Table}[{first.Entry}..{last.Entry}]",
            });
        }).ToList();
        var widths = Enumerable.Range(0, Headers.Length)
            .Select(i => rows.SelectMany(r => r.Cells[i].Split('\n')).Append(Headers[i]).Max(x => x.Length)).ToArray();
        var gap = widths.Sum() + (2 * (widths.Length - 1)) <= c.Profile.Width ? "  " : " ";
        string Line(string[] cells, bool pmap) => string.Join(gap, cells.Select((x, i) =>
        {
            var cell = Markup.Escape(i == cells.Length - 1 ? x : x.PadRight(widths[i]));
            return i == 1 && pmap ? $"[bold green]{cell}[/]" : cell;
        })).TrimEnd();
        c.MarkupLine("[bold]" + Markup.Escape(string.Join(gap, Headers.Select((h, i) => h.PadRight(widths[i]))).TrimEnd()) + "[/]");
        foreach (var (pmap, cells) in rows)
        {
            var parts = cells.Select(x => x.Split('\n')).ToArray();
            for (var line = 0; line < parts.Max(p => p.Length); line++)
                c.MarkupLine(Line([.. parts.Select(p => line < p.Length ? p[line] : "")], pmap && line == 0));
        }
        foreach (var n in dto.Notes) Lines.Write(c, 0, 6, ("note:", "yellow"), (n, null));
        NotModelledLine.Write(c, dto.Arch, dto.NotModelled);
    }

    private static string Inner(string name) => name[(name.IndexOf('[') + 1)..^1];

    private static List<List<SlotDto>> Runs(IReadOnlyList<SlotDto> slots)
    {
        var runs = new List<List<SlotDto>>();
        foreach (var s in slots)
        {
            var baseName = s.Name.Split('[')[0];
            if (runs.Count > 0 && runs[^1][0].Name.Split('[')[0] == baseName && s.Name.Contains('[')
                && (runs[^1][^1].Table is null) == (s.Table is null))
                runs[^1].Add(s);
            else runs.Add([s]);
        }
        return runs;
    }
}
