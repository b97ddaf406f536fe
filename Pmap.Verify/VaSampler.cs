using Pmap.Core;
using Pmap.Core.Paging;

namespace Pmap.Verify;

/// <summary>A VA to ask about, and why it was chosen.</summary>
public sealed record LabelledVa(ulong Va, string What);

/// <summary>
/// Picks the VAs that cover what the tables map: every leaf size (first, last and evenly spread leaves of each, at
/// their base, inside and at their last word), and invalid entries next to valid ones (which must fault).
/// </summary>
public static class VaSampler
{
    /// <summary>Leaves of one size beyond which only the first, the last and an even spread are taken.</summary>
    public const int LeavesPerSize = 48;

    /// <summary>Invalid entries taken per table (the ones that border a valid run).</summary>
    public const int HolesPerTable = 8;

    /// <summary>A block is asked about at its base, its last word and at this many points less one between.</summary>
    public const ulong InsideSamples = 8;

    public static IReadOnlyList<LabelledVa> Sample(TableSnapshot s, PageTableFormat format, IPteCodec codec)
    {
        var byPa = s.Tables.ToDictionary(t => t.Pa.Value);
        var leaves = new SortedDictionary<int, List<ulong>>();
        var holes = new List<LabelledVa>();
        Visit(s.Root.Value, format.RootLevel, 0, 0);

        var result = new List<LabelledVa>();
        foreach (var (level, bases) in leaves)
        {
            var size = format.LevelSize(level);
            var kind = level == format.LeafLevel ? "page" : "block";
            foreach (var b in Spread(bases))
            {
                result.Add(new LabelledVa(b, $"{Hex.FormatSize(size)} {kind}, base"));
                // Inside a block: an eighth apart, off the page boundary, so that every level's index bits vary.
                for (var k = 1UL; size > Page.Size && k < InsideSamples; k++)
                    result.Add(new LabelledVa(b + (size / InsideSamples * k) + (k * 0x1000) + 0x5A8, $"{Hex.FormatSize(size)} {kind}, inside"));
                result.Add(new LabelledVa(b + size - 8, $"{Hex.FormatSize(size)} {kind}, last word"));
            }
        }
        result.AddRange(holes);
        return result;

        void Visit(ulong tablePa, int level, ulong vaBase, int depth)
        {
            // A table linked back to itself (a linear map) is followed once per level at most.
            if (depth >= format.Levels || !byPa.TryGetValue(tablePa, out var table)) return;
            var size = format.LevelSize(level);
            int taken = 0;
            for (var i = 0; i < table.Entries.Length; i++)
            {
                var va = Canonical(format, vaBase + ((ulong)i * size));
                if (va is null) continue;
                var kind = codec.Classify(table.Entries[i], level);
                if (kind is PteKind.Table && level != format.LeafLevel)
                    Visit(codec.OutputAddress(table.Entries[i], level).Value, level + format.Step, vaBase + ((ulong)i * size), depth + 1);
                else if (kind is PteKind.Block or PteKind.Page)
                    (leaves.TryGetValue(level, out var l) ? l : leaves[level] = []).Add(va.Value);
                else if (taken < HolesPerTable && BordersValid(table.Entries, i, level, codec))
                {
                    holes.Add(new LabelledVa(va.Value + 0x10, $"unmapped (level {level} entry {i} invalid)"));
                    taken++;
                }
            }
        }
    }

    private static bool BordersValid(ulong[] entries, int i, int level, IPteCodec codec) =>
        (i > 0 && codec.Classify(entries[i - 1], level) != PteKind.Invalid)
        || (i + 1 < entries.Length && codec.Classify(entries[i + 1], level) != PteKind.Invalid);

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
