using System.CommandLine;
using Pmap.Core;
using Pmap.Core.Arch;
using Pmap.Core.Machine;
using Spectre.Console;

namespace Pmap.Host.Commands;

public sealed record MapStepDto(string Op, string? Mfn, int? Slot, string? Va, string? Pte, IReadOnlyList<EventDto> Events,
    [property: System.Text.Json.Serialization.JsonIgnore] DecodedPte? Decoded = null);

public sealed record MapResultDto(string Arch, string Profile, string SystemState, bool InIrq, IReadOnlyList<MapStepDto> Steps, ErrorDto? Error);

/// <summary>pmap map: pmap_map for each MFN on a freshly booted machine, then (with --unmap) pmap_unmap in reverse.</summary>
public static class MapCommand
{
    public static Command Build(CommandIo io)
    {
        var mfn = new Option<string[]>("--mfn") { Description = "Machine frame number to map (repeatable), e.g. 0x12345", Required = true, AllowMultipleArgumentsPerToken = false };
        var unmap = new Option<bool>("--unmap") { Description = "Then pmap_unmap each returned address in reverse order" };
        var state = new Option<string?>("--state") { Description = $"system_state while mapping ({SystemStates.Allowed}); default early_boot" };
        var inIrq = new Option<bool>("--in-irq") { Description = "Run as if inside an interrupt handler (local_irq_count = 1)" };
        var cmd = new Command("map", "Run pmap_map (and pmap_unmap) on a freshly booted simulated machine, showing every PTE write, barrier and TLB flush.")
            .WithExamples("pmap map --arch arm64 --mfn 0x12345", "pmap map --arch arm64 --profile upstream --mfn 0x12345 --unmap --json",
                "pmap map --arch arm64 --mfn 1 --mfn 2 --mfn 3 --mfn 4 --mfn 5 --mfn 6 --mfn 7 --mfn 8 --unmap   # the FIXADDR_TOP bug");
        cmd.Options.Add(mfn);
        cmd.Options.Add(unmap);
        cmd.Options.Add(state);
        cmd.Options.Add(inIrq);
        cmd.SetAction(p => io.Execute(p, g => Run(io, g, p.GetValue(mfn) ?? [], p.GetValue(unmap), p.GetValue(state), p.GetValue(inIrq))));
        return cmd;
    }

    private static int Run(CommandIo io, GlobalOptions g, string[] mfnTexts, bool unmap, string? stateText, bool inIrq)
    {
        var ctx = CliContext.Create(g);
        io.ReportPluginFailures(ctx.Registry.Catalog);
        var model = ctx.Registry.Create(g.Request());
        var mfns = mfnTexts.Select(Args.Mfn).ToList();
        var state = SystemState.EarlyBoot;
        if (stateText is not null && !SystemStates.TryParse(stateText, out state))
            throw new PmapUsageException($"--state '{stateText}' is not a system state: expected one of {SystemStates.Allowed}");

        var m = XenMachine.Boot(model);
        m.Cpu.SystemState = state;
        if (inIrq) m.Cpu.LocalIrqCount = 1;

        var steps = new List<MapStepDto>();
        var mapped = new List<VirtAddr>();
        ErrorDto? error = null;
        XenCrashException? crash = null;
        var mark = 0;
        (string Op, Mfn? Mfn, VirtAddr? Va) current = ("map", null, null);
        try
        {
            foreach (var mfn in mfns)
            {
                mark = m.Trace.Count;
                current = ("map", mfn, null);
                var va = m.Pmap.Map(mfn);
                mapped.Add(va);
                var leaf = m.WalkDetailed(va);
                var pte = leaf.Fault is null ? leaf.LeafEntry : (ulong?)null;
                steps.Add(new MapStepDto("map", Hex.Format(mfn.Value), model.Fixmap.RawVirtToFix(va), Hex.Format(va.Value), pte is null ? null : Hex.Format(pte.Value),
                    EventDto.Of(m.Trace.Since(mark)), pte is null ? null : model.Codec.Decode(pte.Value, leaf.LeafLevel ?? model.Format.LeafLevel)));
            }
            if (unmap)
            {
                for (var i = mapped.Count - 1; i >= 0; i--)
                {
                    mark = m.Trace.Count;
                    current = ("unmap", null, mapped[i]);
                    m.Pmap.Unmap(mapped[i]);
                    steps.Add(new MapStepDto("unmap", null, model.Fixmap.RawVirtToFix(mapped[i]), Hex.Format(mapped[i].Value), null, EventDto.Of(m.Trace.Since(mark))));
                }
            }
        }
        catch (XenCrashException e)
        {
            crash = e;
            error = new ErrorDto(e.Kind.ToString().ToLowerInvariant(), e.XenText, e.Where);
            // The step that crashed, with what it did before Xen died.
            var marker = m.Trace.Since(mark).FirstOrDefault(x => x.Kind is TraceKind.Map or TraceKind.Unmap);
            var va = current.Va ?? marker?.Va;
            steps.Add(new MapStepDto(current.Op, current.Mfn is { } mf ? Hex.Format(mf.Value) : null, marker?.Slot,
                va is { } v ? Hex.Format(v.Value) : null, null, EventDto.Of(m.Trace.Since(mark))));
        }

        var dto = new MapResultDto(model.Name, model.Profile, state.XenName(), inIrq, steps, error);
        if (g.Json) Json.Write(io.Out, dto);
        else Render(io, model, dto);
        if (crash is not null)
        {
            io.Err.WriteLine("pmap: " + crash.Message);
            return ExitCodes.XenCrash;
        }
        return ExitCodes.Success;
    }

    private static void Render(CommandIo io, ArchModel model, MapResultDto dto)
    {
        var c = Terminal.Create(io.Out);
        c.MarkupLine($"[bold]{Markup.Escape(dto.Arch)}[/] profile [bold]{Markup.Escape(dto.Profile)}[/], system_state {dto.SystemState}{(dto.InIrq ? ", in IRQ" : "")}");
        foreach (var s in dto.Steps)
        {
            var what = s.Op == "map" ? $"pmap_map({s.Mfn})" : $"pmap_unmap({s.Va})";
            var where = s.Slot is { } slot ? $" slot {slot} ({Markup.Escape(model.Fixmap.NameOf(slot))})" : "";
            var result = s.Op == "map" && s.Va is not null && s.Pte is not null ? $" -> {s.Va}, PTE {s.Pte}" : "";
            c.MarkupLine($"\n[bold]{Markup.Escape(what)}[/]{where}{Markup.Escape(result)}");
            foreach (var e in s.Events) c.MarkupLine("  " + Markup.Escape(Describe(e)));
            if (s.Decoded is { } d)
            {
                var t = new Table().AddColumns("bits", "field", "value", "meaning");
                t.Border = TableBorder.Simple;
                foreach (var f in d.Fields) t.AddRow(f.Bits, Markup.Escape(f.Name), Hex.Format(f.Value), Markup.Escape(f.Meaning));
                c.Write(new Padder(t).PadLeft(2).PadTop(0).PadBottom(0));
            }
        }
        if (dto.Error is { } err) c.MarkupLine($"\n[red]{Markup.Escape(err.Kind.ToUpperInvariant())}[/] in {Markup.Escape(err.Where ?? "?")}: {Markup.Escape(err.Message)}");
    }

    /// <summary>One line per event, the way a reader follows the code.</summary>
    public static string Describe(EventDto e) => e.Kind switch
    {
        "pte-write" => $"{e.Op,-10} {e.Table}[{e.Entry}] @ {e.Pa}: {e.Old} -> {e.New}",
        "barrier" => $"{e.Op}",
        "tlb-flush" => $"{e.Op,-10} {e.Va}",
        "table-alloc" => $"alloc_boot_pages -> MFN {e.Mfn} (level {e.Level} table)",
        "fault" => $"FAULT at {e.Va}: {e.Detail}",
        "hazard" => $"hazard: {e.Detail}",
        "printk" => $"(XEN) {e.Detail}",
        _ => e.Kind,
    };
}
