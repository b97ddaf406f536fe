using Pmap.Core;
using Pmap.Verify.RealXen;
using Spectre.Console;

namespace Pmap.Host.Views;

public sealed record XenTableDto(string Table, int Level, string Va, string Model, string Real);

/// <summary>
/// One differing entry; <paramref name="Mapping"/>: the Xen function whose mapping the model made there (or null),
/// <paramref name="FrameOnly"/>: leaves alike but for their frame, <paramref name="HeapFrame"/>: and the model's mapping is of heap
/// pages; <paramref name="HeapChose"/>: and the real frame is one Xen's heap could hand out (equal but for the frame Xen's heap
/// chose, which the model does not predict), else <paramref name="NotAHeapFrame"/> says why it could not be.
/// </summary>
public sealed record XenEntryDiffDto(string Va, int Level, string Table, int Index, string Model, string Real,
    string ModelMeaning, string RealMeaning, string? Mapping, bool FrameOnly, bool HeapFrame, bool HeapChose = false,
    string? NotAHeapFrame = null);

/// <summary>One real pmap_map/pmap_unmap call; <paramref name="Model"/> when it is one of the model's run of calls.</summary>
public sealed record PmapCallDto(int Index, string Op, int Slot, string Mfn, bool Model);

/// <summary>Xen's PMAP calls beside the model's; <paramref name="Agrees"/>: the two sequences are equal, call for call.</summary>
public sealed record PmapTraceDto(int RealCalls, int ModelCalls, int? ModelRunAt, IReadOnlyList<int> RealSlots, IReadOnlyList<int> ModelSlots,
    bool Agrees, IReadOnlyList<PmapCallDto> Calls, int? FirstDifference);

/// <summary>Table pages reached in one tree only, and the valid entries in them that had nothing to be compared with.</summary>
public sealed record UnpairedDto(int TablePages, int ValidEntries);

/// <summary>A range of RAM Xen keeps out of its boot allocator and so out of its heap (a boot module).</summary>
public sealed record KeptDto(string Name, string Start, string Size);

/// <remarks><paramref name="Ttbr0El2"/>: the tables' root register's value, whichever register that is (<paramref name="RootRegister"/>: arm32's HTTBR).
/// <paramref name="KeptOutOfHeap"/>: what a heap frame was checked not to be in, besides outside RAM and the table pages.</remarks>
public sealed record XenDiffDto(string Arch, string Profile, string Image, string Ttbr0El2, string? Panic, int ModelTablePages, int RealTablePages,
    double XenSeconds, IReadOnlyList<XenTableDto> Tables, IReadOnlyList<XenEntryDiffDto> Differences, PmapTraceDto? Pmap,
    RamDto Ram, UnpairedDto RealOnly, UnpairedDto ModelOnly, string RootRegister, IReadOnlyList<KeptDto>? KeptOutOfHeap = null)
{
    /// <summary>How many of <see cref="Differences"/> are equal but for the frame Xen's heap chose (not findings).</summary>
    public int HeapChosen => Differences.Count(x => x.HeapChose);

    /// <summary>The differences that are findings: all but those equal but for a frame Xen's heap chose.</summary>
    public int Unexplained => Differences.Count - HeapChosen;
}

/// <summary>`pmap verify --xen-image`: a real Xen's tables beside the model's.</summary>
public static class XenDiffView
{
    public static XenDiffDto From(RealXenReport r)
    {
        var lines = r.Console.Split('\n', StringSplitOptions.TrimEntries);
        var panic = Array.FindIndex(lines, l => l.StartsWith("(XEN) Panic on CPU", StringComparison.Ordinal));
        return new XenDiffDto(r.Arch, r.Profile, r.Image, Hex.Format(r.Root), panic >= 0 && panic + 1 < lines.Length ? lines[panic + 1] : null,
            r.ModelTablePages, r.RealTablePages, Math.Round(r.XenTime.TotalSeconds, 3),
            r.Comparison.Pairs.Select(p => new XenTableDto(p.Table, p.Level, Hex.Format(p.Va), Hex.Format(p.Model.Value),
                Hex.Format(p.Real.Value))).ToList(),
            r.Comparison.Differences.Select(d => new XenEntryDiffDto(Hex.Format(d.Va), d.Level, d.Table, d.Index, Hex.Format(d.Model),
                Hex.Format(d.Real), d.ModelMeaning, d.RealMeaning, d.Mapping?.Function, d.FrameOnly, d.HeapFrame, d.HeapChose, d.NotAHeapFrame)).ToList(), r.Pmap is { } trace ? From(trace) : null,
            new RamDto(Hex.Format(r.Ram.Base.Value), Hex.Format(r.Ram.Size)), Unpaired(r.Comparison.RealOnly), Unpaired(r.Comparison.ModelOnly), r.RootRegister,
            r.Heap?.Kept.Select(k => new KeptDto(k.Name, Hex.Format(k.Start.Value), Hex.Format(k.Size))).ToList());
    }

    private static UnpairedDto Unpaired(IReadOnlyList<UnpairedTable> t) => new(t.Count, t.Sum(x => x.ValidEntries));

    private static PmapTraceDto From(PmapTraceComparison p)
    {
        var (start, end) = p.ModelRunAt is { } at ? (at, at + p.Model.Count) : (0, 0);
        return new PmapTraceDto(p.Real.Count, p.Model.Count, p.ModelRunAt, p.RealSlots, p.ModelSlots, p.Agrees,
            p.Real.Select((c, i) => new PmapCallDto(i, c.Map ? "map" : "unmap", c.Slot, Hex.Format(c.Mfn), i >= start && i < end))
                .ToList(), p.FirstDifference);
    }

    public static void Render(IAnsiConsole c, XenDiffDto d)
    {
        c.MarkupLine($"[bold]{d.Arch}[/] {Markup.Escape(d.Profile)} beside {Markup.Escape(d.Image)} booted under QEMU with RAM {d.Ram.Base}+{d.Ram.Size} in {d.XenSeconds:0.0} s"
            + $" ({d.RootRegister} {d.Ttbr0El2}; {Markup.Escape(d.Panic ?? "no panic seen")})");
        var pairs = new Table().AddColumns("table", "level", "VA", "model PA", "Xen PA");
        foreach (var tp in d.Tables) pairs.AddRow(Markup.Escape(tp.Table), $"{tp.Level}", tp.Va, tp.Model, tp.Real);
        c.Write(pairs);
        var t = new Table().AddColumns("VA", "entry", "model", "real Xen");
        foreach (var x in d.Differences)
            t.AddRow(x.Va, Markup.Escape($"{x.Table}[{x.Index}] (level {x.Level})" + (x.Mapping is { } f ? $" {f}" : "")),
                Markup.Escape($"{x.Model} {x.ModelMeaning}"), Markup.Escape($"{x.Real} {x.RealMeaning}"));
        if (d.Differences.Count > 0) c.Write(t);
        var heapChose = $"{d.HeapChosen} {(d.HeapChosen == 1 ? "entry maps a page" : "entries map a page")} Xen's heap chose (alloc_domheap_page): "
            + "equal in every bit but the frame, which the model does not predict";
        c.MarkupLine(d.Unexplained == 0
            ? $"[green]every entry of the {d.RealTablePages} table pages agrees[/]" + (d.HeapChosen > 0 ? $" but the frame of {d.HeapChosen}" : "")
            : $"[red]{d.Unexplained} entries differ[/] ({d.ModelTablePages} model table pages, {d.RealTablePages} in Xen)");
        if (d.HeapChosen > 0)
        {
            c.MarkupLine($"  {(d.Unexplained == 0 ? "" : "besides them, ")}{heapChose}");
            c.MarkupLine(Markup.Escape($"  (each in RAM, on no table page, outside {string.Join(" and ", (d.KeptOutOfHeap ?? []).Select(k => $"{k.Name} {k.Start}+{k.Size}"))})"));
        }
        foreach (var x in d.Differences.Where(x => x.HeapFrame && !x.HeapChose))
        {
            c.MarkupLine($"  {x.Va} differs only in the frame of a heap page, but Xen's heap could not have handed it out: "
                + Markup.Escape(x.NotAHeapFrame ?? "not checked"));
        }
        if (d.RealOnly.TablePages > 0)
            c.MarkupLine($"  below them, {d.RealOnly.TablePages} of Xen's table pages ({d.RealOnly.ValidEntries} valid entries) have no model counterpart");
        if (d.ModelOnly.TablePages > 0)
            c.MarkupLine($"  below them, {d.ModelOnly.TablePages} of the model's table pages ({d.ModelOnly.ValidEntries} valid entries) have none in Xen");
        if (d.Pmap is not { } p)
        {
            c.MarkupLine("PMAP calls not traced: --xen-syms (the build's xen-syms) gives pmap_map and pmap_unmap to stop at");
            return;
        }
        c.MarkupLine($"pmap_map/pmap_unmap: Xen made {p.RealCalls} calls in slots {Slots(p.RealSlots)}; the model's {p.ModelCalls} "
            + $"(slots {Slots(p.ModelSlots)}) "
            + (p.Agrees ? "are the same calls, slot, MFN and order"
                : p.ModelRunAt is { } at ? $"are Xen's calls {at} to {at + p.ModelCalls - 1}, in order"
                : $"[red]part from Xen's at call {p.FirstDifference}[/]"));
        foreach (var part in p.Calls.Where(x => !x.Model).GroupBy(x => x.Index < (p.ModelRunAt ?? 0)))
        {
            var mfns = string.Join(", ", part.Select(x => x.Mfn).Distinct());
            c.MarkupLine($"  not modelled: Xen's calls {part.First().Index} to {part.Last().Index}, MFNs {mfns}");
        }
        c.MarkupLine(p.Agrees ? "[green]PMAP calls agree[/]" : "[red]PMAP calls differ[/]");
    }

    private static string Slots(IReadOnlyList<int> slots) => slots.Count == 0 ? "none" : string.Join(", ", slots);
}
