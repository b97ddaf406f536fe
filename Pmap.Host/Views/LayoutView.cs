using Pmap.Core;
using Pmap.Core.Arch;
using Pmap.Core.Scenarios;
using Spectre.Console;

namespace Pmap.Host.Views;

public sealed record SlotDto(int Index, string Name, string Va, string? Table, int? Entry);

public sealed record LayoutDto(string Arch, string Profile, string FixaddrStart, string FixaddrTop, int PmapBegin, int PmapEnd, int NumFixPmap,
    string SlotDirection, IReadOnlyList<string> Notes, IReadOnlyList<SlotDto> Slots);

/// <summary>The fixmap as `pmap layout` shows it.</summary>
public static class LayoutView
{
    public static LayoutDto From(ArchModel model, IReadOnlyList<FixmapSlot> slots)
    {
        var f = model.Fixmap;
        return new LayoutDto(model.Name, model.Profile, Hex.Format(f.FixaddrStart.Value), Hex.Format(f.FixaddrTop.Value),
            f.FixPmapBegin, f.FixPmapEnd, f.NumFixPmap, f.Direction.ToString().ToLowerInvariant(), model.Notes,
            slots.Select(s => new SlotDto(s.Index, s.Name, Hex.Format(s.Va.Value), s.Table, s.Entry)).ToList());
    }

    public static void Render(IAnsiConsole c, LayoutDto dto)
    {
        c.MarkupLine($"[bold]{dto.Arch}[/] {Markup.Escape(dto.Profile)}: " +
                     $"fixmap {dto.FixaddrStart}..{dto.FixaddrTop} (FIXADDR_START..FIXADDR_TOP), grows {dto.SlotDirection}; " +
                     $"PMAP slots {dto.PmapBegin}..{dto.PmapEnd} (NUM_FIX_PMAP {dto.NumFixPmap})");
        var t = new Table().AddColumns("slots", "name", "va", "backing entry");
        // Runs of one named range print as one row.
        foreach (var run in Runs(dto.Slots))
        {
            var first = run[0];
            var last = run[^1];
            var pmap = first.Index >= dto.PmapBegin && first.Index <= dto.PmapEnd;
            var name = Markup.Escape(run.Count == 1 ? first.Name : $"{first.Name.Split('[')[0]}[{Inner(first.Name)}..{Inner(last.Name)}]");
            t.AddRow(run.Count == 1 ? $"{first.Index}" : $"{first.Index}..{last.Index}", pmap ? $"[bold green]{name}[/]" : name,
                run.Count == 1 ? first.Va : $"{first.Va}..{last.Va}",
                Markup.Escape(first.Table is null ? "(not in the static table)"
                    : run.Count == 1 ? $"{first.Table}[{first.Entry}]" : $"{first.Table}[{first.Entry}..{last.Entry}]"));
        }
        c.Write(t);
        foreach (var n in dto.Notes) c.MarkupLine($"[yellow]note:[/] {Markup.Escape(n)}");
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
