using Spectre.Console;

namespace Pmap.Host.Views;

public sealed record DecodeDto(string Arch, string Profile, int Level, [property: JsonHex] string Raw, [property: JsonOneOf(typeof(PteKind))] string Kind,
    bool Valid, [property: JsonHex] string? OutputAddress,
    IReadOnlyList<PteFieldDto> Fields);

/// <summary>A decoded entry as `pmap decode` shows it.</summary>
public static class DecodeView
{
    public static void Render(IAnsiConsole c, DecodeDto dto)
    {
        c.MarkupLine($"[bold]{dto.Raw}[/] at {dto.Arch} level {dto.Level}: [bold]{dto.Kind}[/]" +
            $"{(dto.OutputAddress is null ? "" : $" -> {dto.OutputAddress}")}");
        var t = new Table().AddColumns("bits", "field", "value", "meaning");
        foreach (var f in dto.Fields) t.AddRow(f.Bits, Markup.Escape(f.Name), f.Value, Markup.Escape(f.Meaning));
        c.Write(t);
    }
}
