using System.CommandLine;
using Pmap.Core;
using Pmap.Core.Arch;
using Pmap.Core.Hosting;
using Pmap.Core.Machine;
using Spectre.Console;

namespace Pmap.Host.Commands;

public sealed record PmapSlotDto(int Slot, string Va);

public sealed record CompareArchDto(string Arch, string Profile, int Levels, int VaBits, int PaBits, string FixmapBase, string FixaddrStart, string FixaddrTop,
    string SlotDirection, string LeafTable, IReadOnlyList<PmapSlotDto> PmapSlots, string Pte, IReadOnlyList<string> MapOps, IReadOnlyList<string> UnmapOps,
    bool FlushOnMap, bool FlushOnUnmap, bool CachesInvalidEntries, string StoreOp, string? TlbFlushOp, string PmapCode);

public sealed record CompareDto(string Mfn, IReadOnlyList<CompareArchDto> Architectures);

/// <summary>pmap compare: the architectures side by side for one MFN.</summary>
public static class CompareCommand
{
    public static Command Build(CommandIo io)
    {
        var archs = new Option<string?>("--archs") { Description = "Comma-separated architectures (default: all loaded); --arch A,B works too" };
        var mfn = new Option<string>("--mfn") { Description = "The MFN pmap_map maps on each (default 0x12345)", DefaultValueFactory = _ => "0x12345" };
        var cmd = new Command("compare", "The architectures side by side: paging levels, VA/PA bits, the fixmap and its direction, the PMAP slot addresses, the PTE pmap_map writes and the instructions arch_pmap_map / arch_pmap_unmap run.")
            .WithExamples("pmap compare", "pmap compare --arch arm64,arm32 --mfn 0x40000 --json");
        cmd.Options.Add(archs);
        cmd.Options.Add(mfn);
        cmd.SetAction(p => io.Execute(p, g => Run(io, g, p.GetValue(archs), p.GetValue(mfn)!)));
        return cmd;
    }

    private static int Run(CommandIo io, GlobalOptions g, string? archList, string mfnText)
    {
        var ctx = CliContext.Create(g);
        io.ReportPluginFailures(ctx.Registry.Catalog);
        var list = archList ?? g.Arch;
        // All loaded ones: the configured default architecture first, then by name.
        var names = list is null
            ? ctx.Registry.Names.OrderBy(n => n == ctx.Registry.Options.Architecture ? 0 : 1).ThenBy(n => n, StringComparer.Ordinal).ToList()
            : list.Split(",", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        if (names.Count == 0) throw new PmapUsageException("no architecture to compare");
        var mfn = Args.Mfn(mfnText);
        var rows = names.Select(n =>
        {
            var arch = ctx.Registry.Find(n).Architecture;
            return Describe(ctx.Registry.Create(arch, g.Request(n) with { Profile = g.Profile is { } p && arch.Profiles.Contains(p) ? p : null }), mfn);
        }).ToList();
        var dto = new CompareDto(Hex.Format(mfn.Value), rows);
        if (g.Json) Json.Write(io.Out, dto);
        else Render(io, dto);
        return ExitCodes.Success;
    }

    /// <summary>Runs one pmap_map / pmap_unmap on a fresh machine and reads the instructions off the trace.</summary>
    public static CompareArchDto Describe(ArchModel model, Mfn mfn)
    {
        var m = XenMachine.Boot(model);
        if (mfn.Value > model.Format.MaxMfn)
            throw new PmapUsageException($"MFN {Hex.Format(mfn.Value)} is beyond {model.Name}'s {model.Format.PaBits}-bit physical addresses");
        var va = m.Pmap.Map(mfn);
        var mapEvents = EventDto.Of(m.Trace.Events);
        var pte = m.WalkDetailed(va).LeafEntry;
        var mark = m.Trace.Count;
        m.Pmap.Unmap(va);
        var unmapEvents = EventDto.Of(m.Trace.Since(mark));
        var f = model.Fixmap;
        var slots = Enumerable.Range(f.FixPmapBegin, f.NumFixPmap).Select(s => new PmapSlotDto(s, Hex.Format(f.FixToVirt(s).Value))).ToList();
        return new CompareArchDto(model.Name, model.Profile, model.Format.Levels, model.Format.VaBits, model.Format.PaBits,
            Hex.Format(f.FixToVirt(0).Value), Hex.Format(f.FixaddrStart.Value), Hex.Format(f.FixaddrTop.Value), f.Direction.ToString().ToLowerInvariant(), f.TableName,
            slots, Hex.Format(pte), Ops(mapEvents), Ops(unmapEvents),
            mapEvents.Any(e => e.Kind == "tlb-flush"), unmapEvents.Any(e => e.Kind == "tlb-flush"), model.CachesInvalidEntries,
            mapEvents.First(e => e.Kind == "pte-write").Op!, unmapEvents.FirstOrDefault(e => e.Kind == "tlb-flush")?.Op, model.CommonCode.Name);
    }

    private static List<string> Ops(IEnumerable<EventDto> events) => events.Select(e => e.Instruction).OfType<string>().ToList();

    private static void Render(CommandIo io, CompareDto dto)
    {
        var c = Terminal.Create(io.Out);
        c.MarkupLine($"pmap_map({dto.Mfn}) on each architecture; [yellow]yellow[/] marks a value that differs from the first column.");
        var archs = dto.Architectures;
        var t = new Table().AddColumn("");
        foreach (var a in archs) t.AddColumn($"[bold]{Markup.Escape(a.Arch)}[/]\n{Markup.Escape(a.Profile)}");
        void Row(string name, Func<CompareArchDto, string> value)
        {
            var first = value(archs[0]);
            t.AddRow(new[] { name }.Concat(archs.Select(a =>
            {
                var v = Markup.Escape(value(a));
                return value(a) == first ? v : $"[yellow]{v}[/]";
            })).ToArray());
        }
        Row("paging levels", a => $"{a.Levels}");
        Row("VA / PA bits", a => $"{a.VaBits} / {a.PaBits}");
        Row("fixmap grows", a => a.SlotDirection);
        Row("fix_to_virt(0)", a => a.FixmapBase);
        Row("FIXADDR_START..TOP", a => $"{a.FixaddrStart}..{a.FixaddrTop}");
        Row("PMAP slots", a => $"{a.PmapSlots[0].Slot}..{a.PmapSlots[^1].Slot}");
        Row("first PMAP VA", a => a.PmapSlots[0].Va);
        Row("last PMAP VA", a => a.PmapSlots[^1].Va);
        Row("leaf table", a => a.LeafTable);
        Row("PTE written", a => a.Pte);
        Row("PTE store", a => a.StoreOp);
        Row("arch_pmap_map", a => string.Join("; ", a.MapOps));
        Row("arch_pmap_unmap", a => string.Join("; ", a.UnmapOps));
        Row("TLB flush on map / unmap", a => $"{(a.FlushOnMap ? "yes" : "no")} / {(a.FlushOnUnmap ? "yes" : "no")}");
        Row("TLB may cache invalid entries", a => a.CachesInvalidEntries ? "yes" : "no");
        Row("pmap.c revision", a => a.PmapCode);
        c.Write(t);
    }
}
