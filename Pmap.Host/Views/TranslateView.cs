using Pmap.Core;
using Pmap.Core.Arch;
using Pmap.Core.Machine;
using Spectre.Console;

namespace Pmap.Host.Views;

public sealed record LevelDto(int Level, [property: JsonHex] string Table, int Index, [property: JsonHex] string Entry,
    [property: JsonOneOf(typeof(PteKind))] string Kind,
    [property: System.Text.Json.Serialization.JsonIgnore] string TableName = "");

public sealed record FaultDto(int? Level, string Reason);

public sealed record TranslateDto(string Arch, string Profile, [property: JsonHex] string Va, [property: JsonHex] string? Pa, FaultDto? Fault, IReadOnlyList<LevelDto> Levels,
    DecodedDto? Leaf)
{
    /// <summary>Which machine was walked, as `dump` names it ("after boot ...", "after setup_pagetables ..."); human output only.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Machine { get; init; } = "";

    /// <summary>What the port does not model on this architecture; human output only.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<string> NotModelled { get; init; } = [];
}

/// <summary>One walk as `pmap translate` shows it.</summary>
public static class TranslateView
{
    public static TranslateDto From(ArchModel model, XenMachine m, WalkResult r) =>
        new(model.Name, model.Profile, Hex.Format(r.Va.Value), r.Pa is { } pa ? Hex.Format(pa.Value) : null,
            r.Fault is { } f ? new FaultDto(f.Level, f.Reason) : null,
            r.Steps.Select(s => new LevelDto(s.Level, Hex.Format(s.Table.Value), s.Index, Hex.Format(s.Entry), s.Kind.JsonName(),
                m.TableName(s.Table))).ToList(),
            r.LeafLevel is { } leafLevel ? DecodedDto.From(model.Codec.Decode(r.LeafEntry, leafLevel)) : null)
        {
            NotModelled = model.NotModelled,
        };

    public static void Render(IAnsiConsole c, TranslateDto dto)
    {
        Lines.Write(c, 0, 2, (dto.Arch, "bold"), ($"{dto.Profile}: the walk of {dto.Va} {dto.Machine}", null));
        var t = new Table().AddColumns("level", "table", "index", "entry", "kind");
        foreach (var s in dto.Levels) t.AddRow($"{s.Level}", Markup.Escape(s.TableName), $"{s.Index}", s.Entry, s.Kind);
        c.Write(t);
        c.MarkupLine(dto.Pa is not null
            ? $"{dto.Va} -> [bold]{dto.Pa}[/]"
            : $"{dto.Va}: [red]fault[/] {(dto.Fault!.Level is { } l ? $"at level {l}" : "")}: {Markup.Escape(dto.Fault.Reason)}");
        if (dto.Leaf is { } leaf)
            c.MarkupLine("leaf: " + Markup.Escape(string.Join(", ", leaf.Fields.Select(f => $"{f.Name}={f.Value}"))));
        NotModelledLine.Write(c, dto.Arch, dto.NotModelled);
    }
}
