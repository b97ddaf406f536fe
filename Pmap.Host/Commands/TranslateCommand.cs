using System.CommandLine;
using Pmap.Core;
using Pmap.Core.Arch;
using Pmap.Core.Machine;
using Spectre.Console;

namespace Pmap.Host.Commands;

public sealed record LevelDto(int Level, string Table, int Index, string Entry, string Kind);

public sealed record FaultDto(int? Level, string Reason);

public sealed record TranslateDto(string Arch, string Profile, string Va, string? Pa, FaultDto? Fault, IReadOnlyList<LevelDto> Levels, DecodedDto? Leaf);

/// <summary>pmap translate: one table walk from the root, level by level.</summary>
public static class TranslateCommand
{
    public static Command Build(CommandIo io)
    {
        var va = new Option<string>("--va") { Description = "Virtual address to translate", Required = true };
        var mfn = new Option<string[]>("--mfn") { Description = "Map these MFNs through PMAP first (repeatable)" };
        var bootRam = new Option<string?>("--boot-ram") { Description = "Run the boot scenario first with a RAM bank of this size at the default base (e.g. 2G)" };
        var cmd = new Command("translate", "Walk the page tables of a freshly booted simulated machine for one virtual address (a fault is an answer: exit 0).")
            .WithExamples("pmap translate --arch arm64 --va 0x442000 --mfn 0x12345", "pmap translate --arch arm64 --va 0x800000001000 --boot-ram 2G --json");
        cmd.Options.Add(va);
        cmd.Options.Add(mfn);
        cmd.Options.Add(bootRam);
        cmd.SetAction(p => io.Execute(p, g => Run(io, g, p.GetValue(va)!, p.GetValue(mfn) ?? [], p.GetValue(bootRam))));
        return cmd;
    }

    private static int Run(CommandIo io, GlobalOptions g, string vaText, string[] mfnTexts, string? bootRam)
    {
        var ctx = CliContext.Create(g);
        io.ReportPluginFailures(ctx.Registry.Catalog);
        var model = ctx.Registry.Create(g.Request());
        var va = Args.Va(vaText, model);
        var mfns = mfnTexts.Select(t => Args.MfnWithin(t, model)).ToList();
        RamBank? bank = bootRam is null ? null : BootCommand.Bank(model, null, bootRam);
        var m = XenMachine.Boot(model, new MachineOptions { Ram = bank is { } b ? [b] : null, TraceEnabled = false });
        if (bank is { } bk) BootScenario.Run(m, bk);
        foreach (var mfn in mfns) m.Pmap.Map(mfn);

        var r = m.WalkDetailed(va);
        var dto = new TranslateDto(model.Name, model.Profile, Hex.Format(va.Value), r.Pa is { } pa ? Hex.Format(pa.Value) : null,
            r.Fault is { } f ? new FaultDto(f.Level, f.Reason) : null,
            r.Steps.Select(s => new LevelDto(s.Level, Hex.Format(s.Table.Value), s.Index, Hex.Format(s.Entry), s.Kind.JsonName())).ToList(),
            r.LeafLevel is { } leafLevel ? DecodedDto.From(model.Codec.Decode(r.LeafEntry, leafLevel)) : null);
        if (g.Json)
        {
            Json.Write(io.Out, dto);
            return ExitCodes.Success;
        }
        var c = Terminal.Create(io.Out);
        var t = new Table().AddColumns("level", "table", "index", "entry", "kind");
        foreach (var s in r.Steps) t.AddRow($"{s.Level}", Markup.Escape(m.TableName(s.Table)), $"{s.Index}", Hex.Format(s.Entry), s.Kind.JsonName());
        c.Write(t);
        c.MarkupLine(dto.Pa is not null ? $"{dto.Va} -> [bold]{dto.Pa}[/]" : $"{dto.Va}: [red]fault[/] {(dto.Fault!.Level is { } l ? $"at level {l}" : "")}: {Markup.Escape(dto.Fault.Reason)}");
        if (dto.Leaf is { } leaf)
            c.MarkupLine("leaf: " + Markup.Escape(string.Join(", ", leaf.Fields.Select(f => $"{f.Name}={f.Value}"))));
        return ExitCodes.Success;
    }
}
