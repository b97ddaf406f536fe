using System.CommandLine;
using System.Text.Json.Serialization;
using Pmap.Core;
using Pmap.Core.Arch;
using Pmap.Core.Machine;

namespace Pmap.Host.Commands;

/// <summary>One trace event as CLI.md prints it; fields that do not apply are left out.</summary>
public sealed record EventDto(
    string Kind,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Op = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Table = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Entry = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Pa = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Old = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? New = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Va = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Mfn = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Level = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Detail = null)
{
    public static EventDto From(TraceEvent e) => new(TraceEvent.KindName(e.Kind), e.Op, e.Table, e.Entry, H(e.Pa?.Value), H(e.Old), H(e.New),
        H(e.Va?.Value), H(e.Mfn?.Value), e.Level, e.Detail);

    private static string? H(ulong? v) => v is null ? null : Hex.Format(v.Value);

    /// <summary>The instruction-level events of a step (map/unmap markers are the steps themselves).</summary>
    public static List<EventDto> Of(IEnumerable<TraceEvent> events) =>
        events.Where(e => e.Kind is not (TraceKind.Map or TraceKind.Unmap)).Select(From).ToList();

    /// <summary>"dsb sy", "str", "tlbi vae2": what an event executes, or null for bookkeeping events.</summary>
    [JsonIgnore]
    public string? Instruction => Kind is "barrier" or "pte-write" or "tlb-flush" ? Op : null;
}

public sealed record PteFieldDto(string Name, string Bits, string Value, string Meaning);

public sealed record DecodedDto(string Kind, bool Valid, string? OutputAddress, IReadOnlyList<PteFieldDto> Fields)
{
    public static DecodedDto From(DecodedPte d) => new(d.Kind.JsonName(), d.Valid, d.OutputAddress is { } pa ? Hex.Format(pa.Value) : null,
        d.Fields.Select(f => new PteFieldDto(f.Name, f.Bits, Hex.Format(f.Value), f.Meaning)).ToList());
}

/// <summary>Parsing and checks every command shares.</summary>
public static class Args
{
    /// <summary>An MFN whose address fits 64-bit arithmetic; the architecture's own PADDR checks decide the rest.</summary>
    public static Mfn Mfn(string text)
    {
        var v = ParseNonNegative(text, "MFN");
        if (v >= 1UL << (64 - Page.Shift)) throw new PmapUsageException($"MFN '{text}' is too large: a frame number is below {Hex.Format(1UL << (64 - Page.Shift))}");
        return new Mfn(v);
    }

    /// <summary>An MFN the architecture can address at all (PA bits).</summary>
    public static Mfn MfnWithin(string text, ArchModel model)
    {
        var mfn = Mfn(text);
        if (mfn.Value > model.Format.MaxMfn)
            throw new PmapUsageException($"MFN '{text}' is beyond {model.Name}'s {model.Format.PaBits}-bit physical addresses: the largest frame is {Hex.Format(model.Format.MaxMfn)}");
        return mfn;
    }

    public static VirtAddr Va(string text, ArchModel model)
    {
        var va = new VirtAddr(ParseNonNegative(text, "virtual address"));
        if (!model.Format.IsValidVa(va))
            throw new PmapUsageException($"VA '{text}' is not a {model.Name} virtual address: expected {model.Format.DescribeVaRange()}");
        return va;
    }

    public static ulong ParseNonNegative(string text, string what)
    {
        if (text.TrimStart().StartsWith('-')) throw new PmapUsageException($"{what} '{text}' is negative: expected 0x hex or decimal, 0 or more");
        return Hex.ParseNumber(text, what);
    }

    public static ulong Size(string text, string what)
    {
        if (text.TrimStart().StartsWith('-')) throw new PmapUsageException($"{what} '{text}' is negative");
        return Hex.ParseSize(text, what);
    }

    public static int Level(string text, ArchModel model)
    {
        if (!int.TryParse(text, out var level) || !model.Format.IsLevel(level))
            throw new PmapUsageException($"level '{text}' is not a {model.Name} page-table level: expected {string.Join(", ", model.Format.WalkOrder)}");
        return level;
    }
}

public static class CommandExtensions
{
    /// <summary>Adds the "Example:" lines every command's help shows.</summary>
    public static Command WithExamples(this Command command, params string[] examples)
    {
        command.Description += "\n\nExamples:\n" + string.Join("\n", examples.Select(e => "  " + e));
        return command;
    }
}
