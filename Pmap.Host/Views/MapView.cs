using System.Text.Json.Serialization;
using Pmap.Core;
using Pmap.Core.Arch;
using Pmap.Core.Machine;
using Pmap.Core.Scenarios;
using Spectre.Console;

namespace Pmap.Host.Views;

public sealed record MapStepDto([property: JsonOneOf("map", "unmap")] string Op, [property: JsonHex] string? Mfn, int? Slot,
    [property: JsonHex] string? Va, [property: JsonHex] string? Pte, IReadOnlyList<EventDto> Events,
    [property: JsonIgnore] DecodedPte? Decoded = null, [property: JsonIgnore] string SlotName = "");

public sealed record MapResultDto(string Arch, string Profile, string SystemState, bool InIrq, IReadOnlyList<MapStepDto> Steps, ErrorDto? Error)
{
    /// <summary>Where the profile's release defines each Xen function the port places (write_pte → file:line); human output only.</summary>
    [JsonIgnore]
    public IReadOnlyDictionary<string, string> Places { get; init; } = new Dictionary<string, string>();

    /// <summary>What the port does not model on this architecture; human output only.</summary>
    [JsonIgnore]
    public IReadOnlyList<string> NotModelled { get; init; } = [];

    /// <summary>--fields: the PTE field table for every map (all), once per distinct entry (once), or never (none).</summary>
    [JsonIgnore]
    public string Fields { get; init; } = MapView.FieldsOnce;
}

/// <summary>A map scenario as `pmap map` shows it: every step with its instructions under the Xen function that issued them, then the PTE.</summary>
public static class MapView
{
    public const string FieldsOnce = "once";
    public static readonly string[] FieldModes = ["all", FieldsOnce, "none"];

    public static MapResultDto From(MapRun run, SystemState state, bool inIrq, IArchitecture arch)
    {
        var f = run.Model.Fixmap;
        var steps = run.Steps.Select(s => new MapStepDto(s.Op, H(s.Mfn?.Value), s.Slot, H(s.Va?.Value), H(s.Pte), EventDto.Of(s.Events), s.Decoded,
            s.Slot is { } slot ? f.NameOf(slot) : "")).ToList();
        var error = run.Crash is { } e ? ErrorDto.Of(e) : null;
        return new MapResultDto(run.Model.Name, run.Model.Profile, state.XenName(), inIrq, steps, error)
        {
            Places = XenFunctions.Places(run.Model, XenFunctions.ReleaseOf(arch, run.Model.Profile)),
            NotModelled = run.Model.NotModelled,
        };
    }

    private static string? H(ulong? v) => v is { } x ? Hex.Format(x) : null;

    public static void Render(IAnsiConsole c, MapResultDto dto)
    {
        c.MarkupLine($"[bold]{Markup.Escape(dto.Arch)}[/] profile [bold]{Markup.Escape(dto.Profile)}[/], " +
            $"system_state {dto.SystemState}{(dto.InIrq ? ", in IRQ" : "")}");
        List<PteField>? shown = null; // the last field table printed in full
        foreach (var s in dto.Steps)
        {
            var what = s.Op == "map" ? $"pmap_map({s.Mfn})" : $"pmap_unmap({s.Va})";
            var where = s.Slot is { } slot ? $"slot {slot} ({s.SlotName})" : "";
            var result = s.Op == "map" && s.Va is not null && s.Pte is not null ? $" -> {s.Va}, PTE {s.Pte}" : "";
            c.WriteLine();
            Lines.Write(c, 0, 2, (what, "bold"), ($"{where}{result}", null));
            RenderEvents(c, dto, s.Events);
            if (s.Decoded is { } d && dto.Fields != "none") shown = RenderFields(c, d, dto.Fields == "all" ? null : shown);
        }
        var missing = dto.Steps.SelectMany(s => s.Events).Where(e => e.Kind == "missing").Select(e => e.Rule).ToList();
        if (missing.Count > 0)
        {
            c.WriteLine();
            Lines.Write(c, 0, 2, ($"{missing.Count} step(s) missing", "red"), ($"against the architecture's rules ({string.Join(", ", missing.Distinct())}): " +
                $"`pmap hazards --arch {dto.Arch} --profile {dto.Profile}` says why", null));
        }
        if (dto.NotModelled.Count > 0) c.WriteLine();
        NotModelledLine.Write(c, dto.Arch, dto.NotModelled);
        if (dto.Error is { } err) c.MarkupLine("\n" + Stopped(err));
    }

    // Instructions under the Xen function that issued them, with its file:line in the profile's release where known; a missing
    // step or a hazard belongs to the hook as a whole and stands at the function's level.
    private static void RenderEvents(IAnsiConsole c, MapResultDto dto, IReadOnlyList<EventDto> events)
    {
        string? current = null;
        foreach (var e in events)
        {
            var function = XenFunctions.Of(e.Member);
            if (function is null)
            {
                current = null;
                Lines.Write(c, 2, 4, (Describe(e), e.Kind is "missing" or "hazard" ? "red" : null));
                continue;
            }
            if (function != current)
            {
                current = function;
                var place = dto.Places.TryGetValue(function, out var p) ? $" [dim]({Markup.Escape(p)})[/]" : "";
                c.MarkupLine($"  [bold]{Markup.Escape(function)}[/]{place}");
            }
            Lines.Write(c, 4, 2, (Describe(e), null));
        }
    }

    // The table in full the first time (or with --fields all); after that only the fields that differ from the one shown.
    private static List<PteField> RenderFields(IAnsiConsole c, DecodedPte d, List<PteField>? shown)
    {
        var fields = d.Fields.ToList();
        if (shown is not null && shown.Count == fields.Count && shown.Zip(fields).All(p => p.First.Name == p.Second.Name))
        {
            var changed = fields.Where((f, i) => f.Value != shown[i].Value).ToList();
            c.MarkupLine(changed.Count == 0 ? "  fields as above" : "  fields as above except: " +
                Markup.Escape(string.Join(", ", changed.Select(f => $"{f.Name} = {Hex.Format(f.Value)}"))));
            return shown;
        }
        var t = new Table().AddColumns("bits", "field", "value", "meaning");
        t.Border = TableBorder.Simple;
        foreach (var f in fields) t.AddRow(f.Bits, Markup.Escape(f.Name), Hex.Format(f.Value), Markup.Escape(f.Meaning));
        c.Write(new Padder(t).PadLeft(2).PadTop(0).PadBottom(0));
        return fields;
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
