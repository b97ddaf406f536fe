using Pmap.Core;

namespace Pmap.Verify;

/// <summary>A VA to ask about, and why it was chosen.</summary>
public sealed record LabelledVa(ulong Va, string What);

/// <summary>
/// Picks the VAs that cover what the tables map, the same way for every format: every leaf size (first, last and
/// evenly spread leaves of each, at their base, page edges, inside and at their last word), the words just outside
/// every run of valid entries in every table, and invalid entries (next to valid ones and spread over each table),
/// which must fault.
/// </summary>
public static class VaSampler
{
    /// <summary>Leaves of one size beyond which only the first, the last and an even spread are taken.</summary>
    public const int LeavesPerSize = 48;

    /// <summary>Invalid entries next to a valid one taken per table (a table of alternating entries would give 256).</summary>
    public const int BorderHolesPerTable = 32;

    /// <summary>Besides those, every invalid entry at an index that is a multiple of this is asked about.</summary>
    public const int HoleStride = 8;

    /// <summary>A block is asked about at its base, its last word and at this many points less one between.</summary>
    public const ulong InsideSamples = 8;

    public static IReadOnlyList<LabelledVa> Sample(TableSnapshot s, PageTableFormat format, IPteCodec codec)
    {
        var byPa = s.Tables.ToDictionary(t => t.Pa.Value);
        var leaves = new SortedDictionary<int, List<ulong>>();
        var outside = new List<LabelledVa>();
        Visit(s.Root.Value, format.RootLevel, 0, 0);

        var result = new List<LabelledVa>();
        foreach (var (level, bases) in leaves)
        {
            var size = format.LevelSize(level);
            var name = $"{Hex.FormatSize(size)} {(level == format.LeafLevel ? "page" : "block")}";
            foreach (var b in Spread(bases)) result.AddRange(InLeaf(b, size, name));
        }
        result.AddRange(outside);
        return result;

        void Visit(ulong tablePa, int level, ulong vaBase, int depth)
        {
            // A table linked back to itself (a linear map) is followed once per level at most.
            if (depth >= format.Levels || !byPa.TryGetValue(tablePa, out var table)) return;
            var size = format.LevelSize(level);
            var kinds = table.Entries.Select(e => codec.Classify(e, level)).ToArray();
            var borderHoles = 0;
            for (var i = 0; i < kinds.Length; i++)
            {
                var raw = vaBase + ((ulong)i * size);
                if (Canonical(format, raw) is not { } va) continue;
                var valid = kinds[i] != PteKind.Invalid;
                if (kinds[i] is PteKind.Table && level != format.LeafLevel)
                    Visit(codec.OutputAddress(table.Entries[i], level).Value, level + format.Step, raw, depth + 1);
                else if (kinds[i] is PteKind.Block or PteKind.Page)
                    (leaves.TryGetValue(level, out var l) ? l : leaves[level] = []).Add(va);
                if (valid && (i == 0 || kinds[i - 1] == PteKind.Invalid) && raw >= 8 && Canonical(format, raw - 8) is { } before)
                    outside.Add(new LabelledVa(before, $"last word before a run of level {level} entries from {i}"));
                if (valid && (i + 1 == kinds.Length || kinds[i + 1] == PteKind.Invalid) && Canonical(format, raw + size) is { } after)
                    outside.Add(new LabelledVa(after, $"first word after a run of level {level} entries to {i}"));
                if (valid) continue;
                var borders = (i > 0 && kinds[i - 1] != PteKind.Invalid) || (i + 1 < kinds.Length && kinds[i + 1] != PteKind.Invalid);
                if (borders && borderHoles++ >= BorderHolesPerTable) borders = false;
                if (borders || i % HoleStride == 0)
                    outside.Add(new LabelledVa(va + 0x10, $"unmapped (level {level} entry {i} invalid)"));
            }
        }
    }

    /// <summary>A leaf at its base and its last word; a block also at its first page's end, its last page's start and inside.</summary>
    private static IEnumerable<LabelledVa> InLeaf(ulong b, ulong size, string name)
    {
        yield return new LabelledVa(b, $"{name}, base");
        if (size > Page.Size)
        {
            yield return new LabelledVa(b + Page.Size - 8, $"{name}, last word of its first page");
            yield return new LabelledVa(b + size - Page.Size, $"{name}, first word of its last page");
            // An eighth apart, off the page boundary, so that every level's index bits vary.
            for (var k = 1UL; k < InsideSamples; k++)
                yield return new LabelledVa(b + (size / InsideSamples * k) + (k * 0x1000) + 0x5A8, $"{name}, inside");
        }
        else
        {
            yield return new LabelledVa(b + 0x7F0, $"{name}, middle");
        }
        yield return new LabelledVa(b + size - 8, $"{name}, last word");
    }

    /// <summary>The VA with its top bits as the format wants them, or null when the entry lies beyond the VA space.</summary>
    private static ulong? Canonical(PageTableFormat format, ulong va)
    {
        if (format.VaBits >= 64) return va;
        if (va >> format.VaBits != 0) return null;
        if (format.VaRange == VaRange.SignExtended && (va >> (format.VaBits - 1)) != 0) va |= ulong.MaxValue << format.VaBits;
        return format.IsValidVa(new VirtAddr(va)) ? va : null;
    }

    private static IEnumerable<ulong> Spread(List<ulong> bases)
    {
        if (bases.Count <= LeavesPerSize) return bases;
        var third = LeavesPerSize / 3;
        var step = (bases.Count - 2 * third) / (double)third;
        var middle = Enumerable.Range(0, third).Select(k => bases[third + (int)(k * step)]);
        return bases.Take(third).Concat(middle).Concat(bases.TakeLast(third)).Distinct();
    }
}
