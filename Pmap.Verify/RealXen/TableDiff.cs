using System.Buffers.Binary;
using Pmap.Core;

namespace Pmap.Verify.RealXen;

/// <summary>One entry that differs between the model's tables and a real Xen's, both decoded.</summary>
public sealed record EntryDiff(ulong Va, int Level, string Table, int Index, ulong Model, ulong Real, string ModelMeaning, string RealMeaning)
{
    /// <summary>The model's boot mapping at this VA (the Xen function that made it), when one covers it.</summary>
    public XenBootMapping? Mapping { get; init; }

    /// <summary>Both are leaves alike in every bit but the frame they map.</summary>
    public bool FrameOnly { get; init; }

    /// <summary>Only the frame differs, and the model's frame stands in for one of Xen's heap (not modelled).</summary>
    public bool HeapFrame => FrameOnly && Mapping?.HeapFrames == true;

    /// <summary>
    /// Why Xen's heap could not have handed out the real frame of a <see cref="HeapFrame"/> entry (not RAM, in Xen's image, a
    /// boot module, a table page), or null: when it could, or when the frame was not checked (<see cref="HeapChose"/> says which).
    /// </summary>
    public string? NotAHeapFrame { get; init; }

    /// <summary>
    /// Equal but for the frame Xen's heap chose: a <see cref="HeapFrame"/> entry whose real frame was checked against
    /// <see cref="XenHeap"/> and is one Xen's heap could hand out. The model does not predict that frame.
    /// </summary>
    public bool HeapChose { get; init; }
}

/// <summary>A range of RAM Xen keeps out of its boot allocator, so out of its heap (a boot module: Xen's image, the FDT).</summary>
public sealed record KeptRange(string Name, PhysAddr Start, ulong Size)
{
    public bool Overlaps(ulong start, ulong size) => start < Start.Value + Size && Start.Value < start + size;
}

/// <summary>
/// The RAM Xen's heap is made of (populate_boot_allocator, 4.17 arch/arm/setup.c): every bank but the boot modules (Xen's
/// image, the FDT); end_boot_allocator hands what is left to the heap. A frame outside it, or one of the table pages, could
/// not have come from alloc_domheap_page.
/// </summary>
public sealed record XenHeap(RamBank Ram, IReadOnlyList<KeptRange> Kept)
{
    private const uint FdtMagic = 0xd00dfeed;

    /// <summary>
    /// The heap of <paramref name="model"/>'s Xen booted on <paramref name="ram"/>: Xen's image (BOOTMOD_XEN) and the FDT
    /// (BOOTMOD_FDT, fdt_totalsize bytes from the start of the model's early_fdt_map block) kept out. With no way to read the
    /// FDT's header (<paramref name="readFdtHeader"/> null, or no FDT magic there), the whole early_fdt_map block is kept out.
    /// </summary>
    public static XenHeap Of(ArchModel model, RamBank ram, IReadOnlyList<XenBootMapping>? mappings, Func<PhysAddr, byte[]>? readFdtHeader = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var kept = new List<KeptRange> { new("Xen's image", model.Image.Load, model.Image.Bank.Size) };
        if (mappings?.FirstOrDefault(b => b.Function == "early_fdt_map") is { } fdt)
        {
            var header = readFdtHeader?.Invoke(fdt.Pa);
            kept.Add(header is { Length: >= 8 } h && BinaryPrimitives.ReadUInt32BigEndian(h) == FdtMagic
                ? new KeptRange("the FDT", fdt.Pa, BinaryPrimitives.ReadUInt32BigEndian(h.AsSpan(4)))
                : new KeptRange("the FDT's early_fdt_map block (its size unread)", fdt.Pa, fdt.Pages << Page.Shift));
        }
        return new XenHeap(ram, kept);
    }

    /// <summary>Why <paramref name="size"/> bytes at <paramref name="frame"/> could not be a heap allocation, or null when they could.</summary>
    public string? WhyNot(PhysAddr frame, ulong size, IReadOnlySet<ulong> tablePages)
    {
        if (frame.Value < Ram.Base.Value || frame.Value + size > Ram.Base.Value + Ram.Size)
            return $"{frame} is outside RAM {Ram.Base}+{Hex.Format(Ram.Size)}";
        if (Kept.FirstOrDefault(k => k.Overlaps(frame.Value, size)) is { } kept)
            return $"{frame} is in {kept.Name} ({kept.Start}+{Hex.Format(kept.Size)}), kept out of the boot allocator";
        for (var pa = frame.Value; pa < frame.Value + size; pa += Page.Size)
            if (tablePages.Contains(pa)) return $"{new PhysAddr(pa)} is one of Xen's table pages";
        return null;
    }
}

/// <summary>Two table pages found at the same place in both trees (same level, same VA range).</summary>
public sealed record TablePair(string Table, int Level, ulong Va, PhysAddr Model, PhysAddr Real);

/// <summary>A table page reached in one tree only (under an entry that differs): its valid entries were not compared.</summary>
public sealed record UnpairedTable(PhysAddr Pa, int Level, int ValidEntries);

/// <summary>The differences, and which table pages were paired (their addresses may differ: only their place counts).</summary>
public sealed record TableComparison(IReadOnlyList<EntryDiff> Differences, IReadOnlyList<TablePair> Pairs)
{
    /// <summary>The real Xen's table pages with no counterpart in the model (each under one of <see cref="Differences"/>).</summary>
    public IReadOnlyList<UnpairedTable> RealOnly { get; init; } = [];

    /// <summary>The model's table pages with no counterpart in the real Xen.</summary>
    public IReadOnlyList<UnpairedTable> ModelOnly { get; init; } = [];

    /// <summary>The differences but those equal in every bit but a frame Xen's heap chose (<see cref="EntryDiff.HeapChose"/>).</summary>
    public IEnumerable<EntryDiff> Unexplained => Differences.Where(d => !d.HeapChose);

    /// <summary>Nothing differs but frames Xen's heap chose, and every table page has its counterpart.</summary>
    public bool Agrees => !Unexplained.Any() && RealOnly.Count == 0 && ModelOnly.Count == 0;
}

/// <summary>
/// Compares two table trees entry by entry, walking them side by side from their roots. Table links are compared
/// with the address replaced by the paired page's (tables may sit elsewhere); leaves are compared whole.
/// </summary>
public static class TableDiff
{
    public static TableComparison Compare(TableSnapshot model, TableSnapshot real, PageTableFormat format, IPteCodec codec,
        Func<PhysAddr, string> nameOf, IReadOnlyList<XenBootMapping>? mappings = null, XenHeap? heap = null)
    {
        var realTablePages = real.Tables.Select(t => t.Pa.Value).ToHashSet();
        var m = model.Tables.ToDictionary(t => t.Pa.Value);
        var r = real.Tables.ToDictionary(t => t.Pa.Value);
        var diffs = new List<EntryDiff>();
        var pairs = new List<TablePair>();
        var seen = new HashSet<(ulong, ulong)>();
        Pair(model.Root, real.Root, format.RootLevel, 0);
        return new TableComparison(diffs, pairs)
        {
            RealOnly = Unpaired(real, pairs.Select(p => p.Real.Value).ToHashSet()),
            ModelOnly = Unpaired(model, pairs.Select(p => p.Model.Value).ToHashSet()),
        };

        List<UnpairedTable> Unpaired(TableSnapshot tree, HashSet<ulong> paired) => tree.Tables.Where(t => !paired.Contains(t.Pa.Value))
            .Select(t => new UnpairedTable(t.Pa, t.Level, t.Entries.Count(e => codec.Classify(e, t.Level) != PteKind.Invalid))).ToList();

        void Pair(PhysAddr mPa, PhysAddr rPa, int level, ulong vaBase)
        {
            if (!seen.Add((mPa.Value, rPa.Value)) || !m.TryGetValue(mPa.Value, out var mt) || !r.TryGetValue(rPa.Value, out var rt)) return;
            var name = nameOf(mPa);
            pairs.Add(new TablePair(name, level, vaBase, mPa, rPa));
            var size = format.LevelSize(level);
            for (var i = 0; i < Page.EntriesPerTable; i++)
            {
                ulong me = mt.Entries[i], re = rt.Entries[i];
                var va = vaBase + ((ulong)i * size);
                var (mk, rk) = (codec.Classify(me, level), codec.Classify(re, level));
                if (mk == PteKind.Table && rk == PteKind.Table && level != format.LeafLevel)
                {
                    var mChild = codec.OutputAddress(me, level);
                    if (codec.WithOutputAddress(re, level, mChild) != me) diffs.Add(Diff(va, level, name, i, me, re));
                    Pair(mChild, codec.OutputAddress(re, level), level + format.Step, va);
                }
                else if (me != re && !(mk == PteKind.Invalid && rk == PteKind.Invalid))
                {
                    diffs.Add(Diff(va, level, name, i, me, re));
                }
            }
        }

        EntryDiff Diff(ulong va, int level, string table, int index, ulong me, ulong re)
        {
            var leaves = codec.Classify(me, level) is not (PteKind.Invalid or PteKind.Reserved or PteKind.Table)
                && codec.Classify(re, level) == codec.Classify(me, level);
            var d = new EntryDiff(va, level, table, index, me, re, Meaning(me, level, format, codec), Meaning(re, level, format, codec))
            {
                Mapping = mappings?.LastOrDefault(b => va >= b.Va.Value && va - b.Va.Value < b.Pages << Page.Shift),
                FrameOnly = leaves && codec.WithOutputAddress(re, level, codec.OutputAddress(me, level)) == me,
            };
            if (heap is null || !d.HeapFrame) return d;
            var whyNot = heap.WhyNot(codec.OutputAddress(re, level), format.LevelSize(level), realTablePages);
            return d with { NotAHeapFrame = whyNot, HeapChose = whyNot is null };
        }
    }

    /// <summary>A short decoding: kind, output address, memory type and permissions.</summary>
    public static string Meaning(ulong raw, int level, PageTableFormat format, IPteCodec codec)
    {
        var kind = codec.Classify(raw, level);
        if (kind is PteKind.Invalid or PteKind.Reserved) return kind.JsonName();
        var output = codec.OutputAddress(raw, level);
        if (kind == PteKind.Table) return $"table -> {output}";
        var a = codec.Attributes(raw, level);
        return $"{Hex.FormatSize(format.LevelSize(level))} {kind.JsonName()} -> {output} {a.MemoryType} {(a.Write ? "RW" : "RO")}"
            + $"{(a.Execute ? "X" : "NX")}{(a.Contiguous ? " contiguous" : "")}";
    }
}
