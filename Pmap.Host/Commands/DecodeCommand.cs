using System.CommandLine;
using Pmap.Core;
using Spectre.Console;

namespace Pmap.Host.Commands;

public sealed record DecodeDto(string Arch, string Profile, int Level, string Raw, string Kind, bool Valid, string? OutputAddress, IReadOnlyList<PteFieldDto> Fields);

/// <summary>pmap decode: a raw page-table entry, field by field.</summary>
public static class DecodeCommand
{
    public static Command Build(CommandIo io)
    {
        var value = new Argument<string>("VALUE") { Description = "The raw 64-bit entry, e.g. 0x0040000012345f7f" };
        var level = new Option<string?>("--level") { Description = "Page-table level of the entry (default: the leaf level)" };
        var cmd = new Command("decode", "Decode a raw page-table entry into its named fields, bit ranges and meanings.")
            .WithExamples("pmap decode --arch arm64 0x0040000012345f7f", "pmap decode --arch x86 0x8000000012345163 --json", "pmap decode --arch arm64 0x40000f7d --level 1");
        cmd.Arguments.Add(value);
        cmd.Options.Add(level);
        cmd.SetAction(p => io.Execute(p, g => Run(io, g, p.GetValue(value)!, p.GetValue(level))));
        return cmd;
    }

    private static int Run(CommandIo io, GlobalOptions g, string valueText, string? levelText)
    {
        var ctx = CliContext.Create(g);
        io.ReportPluginFailures(ctx.Registry.Catalog);
        var model = ctx.Registry.Create(g.Request());
        var raw = Args.ParseNonNegative(valueText, "page-table entry");
        var level = levelText is null ? model.Format.LeafLevel : Args.Level(levelText, model);
        var d = DecodedDto.From(model.Codec.Decode(raw, level));
        var dto = new DecodeDto(model.Name, model.Profile, level, Hex.Format(raw), d.Kind, d.Valid, d.OutputAddress, d.Fields);
        if (g.Json)
        {
            Json.Write(io.Out, dto);
            return ExitCodes.Success;
        }
        var c = Terminal.Create(io.Out);
        c.MarkupLine($"[bold]{dto.Raw}[/] at {dto.Arch} level {dto.Level}: [bold]{dto.Kind}[/]{(dto.OutputAddress is null ? "" : $" -> {dto.OutputAddress}")}");
        var t = new Table().AddColumns("bits", "field", "value", "meaning");
        foreach (var f in dto.Fields) t.AddRow(f.Bits, Markup.Escape(f.Name), f.Value, Markup.Escape(f.Meaning));
        c.Write(t);
        return ExitCodes.Success;
    }
}
