using System.CommandLine;
using Pmap.Core;

using Pmap.Host.Views;

namespace Pmap.Host.Commands;

/// <summary>pmap decode: a raw page-table entry, field by field.</summary>
public static class DecodeCommand
{
    public static Command Build(CommandIo io)
    {
        var value = new Argument<string>("VALUE") { Description = "The raw 64-bit entry, e.g. 0x0040000012345f7f" };
        var level = new Option<string?>("--level") { Description = "Page-table level of the entry (default: the leaf level)" };
        var cmd = new Command("decode", "Decode a raw page-table entry into its named fields, bit ranges and meanings.")
            .WithExamples("pmap decode --arch arm64 0x0040000012345f7f", "pmap decode --arch x86 0x8000000012345163 --json",
                "pmap decode --arch arm64 0x40000f7d --level 1");
        cmd.Arguments.Add(value);
        cmd.Options.Add(level);
        cmd.SetAction(p => io.Execute(p, c =>
        {
            var model = c.Model();
            var raw = c.Pte(p.GetValue(value)!);
            var levelText = p.GetValue(level);
            var lvl = levelText is null ? model.Format.LeafLevel : Args.Level(levelText, model);
            var d = DecodedDto.From(model.Codec.Decode(raw, lvl));
            return c.Show(new DecodeDto(model.Name, model.Profile, lvl, Hex.Format(raw), d.Kind, d.Valid, d.OutputAddress, d.Fields),
                DecodeView.Render);
        }, oneArchitecture: true));
        return cmd;
    }
}
