using System.Text.Json.Serialization;
using Pmap.Core;
using Pmap.Core.Machine;
using Pmap.Core.Scenarios;
using Spectre.Console;

namespace Pmap.Host.Views;

public sealed record MapStepDto(string Op, string? Mfn, int? Slot, string? Va, string? Pte, IReadOnlyList<EventDto> Events,
    [property: JsonIgnore] DecodedPte? Decoded = null, [property: JsonIgnore] string SlotName = "");

public sealed record MapResultDto(string Arch, string Profile, string SystemState, bool InIrq, IReadOnlyList<MapStepDto> Steps, ErrorDto? Error);

/// <summary>A map scenario as `pmap map` shows it: every step with its instructions, then the PTE field by field.</summary>
public static class MapView
{
    public static MapResultDto From(MapRun run, SystemState state, bool inIrq)
    {
        var f = run.Model.Fixmap;
        var steps = run.Steps.Select(s => new MapStepDto(s.Op, H(s.Mfn?.Value), s.Slot, H(s.Va?.Value), H(s.Pte), EventDto.Of(s.Events), s.Decoded,
            s.Slot is { } slot ? f.NameOf(slot) : "")).ToList();
        var error = run.Crash is { } e ? ErrorDto.Of(e) : null;
        return new MapResultDto(run.Model.Name, run.Model.Profile, state.XenName(), inIrq, steps, error);
    }

    private static string? H(ulong? v) => v is { } x ? Hex.Format(x) : null;

    public static void Render(IAnsiConsole c, MapResultDto dto)
    {
        c.MarkupLine($"[bold]{Markup.Escape(dto.Arch)}[/] profile [bold]{Markup.Escape(dto.Profile)}[/], " +
            $"system_state {dto.SystemState}{(dto.InIrq ? ", in IRQ" : "")}");
        foreach (var s in dto.Steps)
        {
            var what = s.Op == "map" ? $"pmap_map({s.Mfn})" : $"pmap_unmap({s.Va})";
            var where = s.Slot is { } slot ? $" slot {slot} ({Markup.Escape(s.SlotName)})" : "";
            var result = s.Op == "map" && s.Va is not null && s.Pte is not null ? $" -> {s.Va}, PTE {s.Pte}" : "";
            c.MarkupLine($"\n[bold]{Markup.Escape(what)}[/]{where}{Markup.Escape(result)}");
            foreach (var e in s.Events)
                c.MarkupLine(e.Kind is "missing" or "hazard" ? $"  [red]{Markup.Escape(Describe(e))}[/]" : "  " + Markup.Escape(Describe(e)));
            if (s.Decoded is { } d)
            {
                var t = new Table().AddColumns("bits", "field", "value", "meaning");
                t.Border = TableBorder.Simple;
                foreach (var f in d.Fields) t.AddRow(f.Bits, Markup.Escape(f.Name), Hex.Format(f.Value), Markup.Escape(f.Meaning));
                c.Write(new Padder(t).PadLeft(2).PadTop(0).PadBottom(0));
            }
        }
        var missing = dto.Steps.SelectMany(s => s.Events).Where(e => e.Kind == "missing").Select(e => e.Rule).ToList();
        if (missing.Count > 0)
            c.MarkupLine($"\n[red]{missing.Count} step(s) missing[/] against the architecture's rules ({string.Join(", ", missing.Distinct())}): " +
                         $"`pmap hazards --arch {Markup.Escape(dto.Arch)} --profile {Markup.Escape(dto.Profile)}` says why");
        if (dto.Error is { } err) c.MarkupLine("\n" + Stopped(err));
    }

    /// <summary>
    /// The line that ends a run Xen did not survive (or a failed self-check): what stopped it, in Xen's function, with the
    /// message itself left to the one report on stderr so that it is printed once.
    /// </summary>
    public static string Stopped(ErrorDto e) => e.Kind switch
    {
        ErrorKind.Model => "[red]stopped:[/] the model failed its own check, a fault of the plugin or the model and not of Xen (details on stderr)",
        ErrorKind.Assert or ErrorKind.Bug or ErrorKind.Panic => $"[red]Xen stopped here:[/] {e.Kind.JsonName().ToUpperInvariant()} in "
            + $"{Markup.Escape(e.Where ?? "?")} (Xen's message is on stderr)",
        _ => $"[red]stopped:[/] {Markup.Escape(e.Message)}",
    };

    /// <summary>One line per event, the way a reader follows the code.</summary>
    public static string Describe(EventDto e) => e.Kind switch
    {
        "pte-write" => $"{e.Op,-10} {e.Table}[{e.Entry}] @ {e.Pa}: {e.Old} -> {e.New}",
        "barrier" => $"{e.Op}",
        "tlb-flush" => e.Reg is { } reg ? $"{e.Op,-10} {reg}   (va {e.Va})" : $"{e.Op,-10} {e.Va}",
        "table-alloc" => $"alloc_boot_pages -> MFN {e.Mfn} (level {e.Level} table)",
        "fault" => $"FAULT at {e.Va}: {e.Detail}",
        "hazard" => $"hazard: {e.Detail}",
        "missing" => $"<missing: {e.Step}>  {e.Rule}: {e.Detail}",
        "printk" => $"(XEN) {e.Detail}",
        _ => e.Kind,
    };
}
