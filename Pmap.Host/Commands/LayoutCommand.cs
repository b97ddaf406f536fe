using System.CommandLine;
using Pmap.Core;
using Pmap.Core.Arch;
using Spectre.Console;

namespace Pmap.Host.Commands;

public sealed record SlotDto(int Index, string Name, string Va, string? Table, int? Entry);

public sealed record LayoutDto(string Arch, string Profile, string FixaddrStart, string FixaddrTop, int PmapBegin, int PmapEnd, int NumFixPmap,
    string SlotDirection, IReadOnlyList<string> Notes, IReadOnlyList<SlotDto> Slots);

/// <summary>pmap layout: every named slot of the fixmap.</summary>
public static class LayoutCommand
{
    public static Command Build(CommandIo io)
    {
        var cmd = new Command("layout", "The fixmap of an architecture: FIXADDR_START/TOP, the PMAP range and every named slot with its VA and backing entry.")
            .WithExamples("pmap layout --arch arm64", "pmap layout --arch arm64 --profile upstream --json");
        cmd.SetAction(p => io.Execute(p, g => Run(io, g)));
        return cmd;
    }

    public static LayoutDto Describe(ArchModel model)
    {
        var f = model.Fixmap;
        var slots = new List<SlotDto>();
        for (var i = 0; i < f.EndOfFixedAddresses; i++)
        {
            var entry = model.FixmapEntryIndex(i);
            slots.Add(new SlotDto(i, f.NameOf(i), Hex.Format(f.FixToVirt(i).Value), entry is null ? null : f.TableName, entry));
        }
        return new LayoutDto(model.Name, model.Profile, Hex.Format(f.FixaddrStart.Value), Hex.Format(f.FixaddrTop.Value), f.FixPmapBegin, f.FixPmapEnd,
            f.NumFixPmap, f.Direction.ToString().ToLowerInvariant(), model.Notes, slots);
    }

    private static int Run(CommandIo io, GlobalOptions g)
    {
        var ctx = CliContext.Create(g);
        io.ReportPluginFailures(ctx.Registry.Catalog);
        var model = ctx.Registry.Create(g.Request());
        var dto = Describe(model);
        if (g.Json)
        {
            Json.Write(io.Out, dto);
            return ExitCodes.Success;
        }
        var c = Terminal.Create(io.Out);
        c.MarkupLine($"[bold]{dto.Arch}[/] {Markup.Escape(dto.Profile)}: fixmap {dto.FixaddrStart}..{dto.FixaddrTop} (FIXADDR_START..FIXADDR_TOP), grows {dto.SlotDirection}; " +
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
                Markup.Escape(first.Table is null ? "(not in the static table)" : run.Count == 1 ? $"{first.Table}[{first.Entry}]" : $"{first.Table}[{first.Entry}..{last.Entry}]"));
        }
        c.Write(t);
        foreach (var n in dto.Notes) c.MarkupLine($"[yellow]note:[/] {Markup.Escape(n)}");
        return ExitCodes.Success;
    }

    private static string Inner(string name) => name[(name.IndexOf('[') + 1)..^1];

    private static List<List<SlotDto>> Runs(IReadOnlyList<SlotDto> slots)
    {
        var runs = new List<List<SlotDto>>();
        foreach (var s in slots)
        {
            var baseName = s.Name.Split('[')[0];
            if (runs.Count > 0 && runs[^1][0].Name.Split('[')[0] == baseName && s.Name.Contains('[') && (runs[^1][^1].Table is null) == (s.Table is null))
                runs[^1].Add(s);
            else runs.Add([s]);
        }
        return runs;
    }
}
