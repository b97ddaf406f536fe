using System.CommandLine;
using System.Text.Json.Serialization;
using Pmap.Core;
using Pmap.Core.Arch;
using Pmap.Core.Machine;

namespace Pmap.Host.Views;

/// <summary>One trace event as docs/CLI.md prints it; fields that do not apply are left out.</summary>
public sealed record EventDto(
    string Kind,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Op = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Table = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Entry = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull), JsonHex] string? Pa = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull), JsonHex] string? Old = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull), JsonHex] string? New = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull), JsonHex] string? Va = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull), JsonHex] string? Mfn = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Level = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Detail = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull), JsonHex] string? Reg = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Rule = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Step = null)
{
    // A missing step was not executed: it is named in `step`, never in `op`, so that reading every event's op lists what ran.
    public static EventDto From(TraceEvent e) => e.Kind == TraceKind.Missing
        ? new(TraceEvent.KindName(e.Kind), Va: H(e.Va?.Value), Detail: e.Detail, Rule: e.Rule, Step: e.Op)
        : new(TraceEvent.KindName(e.Kind), e.Op, e.Table, e.Entry, H(e.Pa?.Value), H(e.Old), H(e.New),
            H(e.Va?.Value), H(e.Mfn?.Value), e.Level, e.Detail, H(e.Reg), e.Rule)
        { Member = e.Function };

    private static string? H(ulong? v) => v is null ? null : Hex.Format(v.Value);

    /// <summary>The instruction-level events of a step (map/unmap markers are the steps themselves).</summary>
    public static List<EventDto> Of(IEnumerable<TraceEvent> events) =>
        events.Where(e => e.Kind is not (TraceKind.Map or TraceKind.Unmap)).Select(From).ToList();

    /// <summary>"dsb sy", "str", "tlbi vae2": what an event executes, or null for bookkeeping events.</summary>
    [JsonIgnore]
    public string? Instruction => Kind is "barrier" or "pte-write" or "tlb-flush" ? Op : null;

    /// <summary>The port's method that executed it (the trace's call site), for naming the Xen function; human output only.</summary>
    [JsonIgnore]
    public string? Member { get; init; }
}

public sealed record PteFieldDto(string Name, string Bits, [property: JsonHex] string Value, string Meaning);

public sealed record DecodedDto([property: JsonOneOf(typeof(PteKind))] string Kind, bool Valid, [property: JsonHex] string? OutputAddress, IReadOnlyList<PteFieldDto> Fields)
{
    public static DecodedDto From(DecodedPte d) => new(d.Kind.JsonName(), d.Valid, d.OutputAddress is { } pa ? Hex.Format(pa.Value) : null,
        d.Fields.Select(f => new PteFieldDto(f.Name, f.Bits, Hex.Format(f.Value), f.Meaning)).ToList());
}
