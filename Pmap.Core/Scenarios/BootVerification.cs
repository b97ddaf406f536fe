using Pmap.Core.Arch;
using Pmap.Core.Machine;

namespace Pmap.Core.Scenarios;

/// <summary>One leaf entry a mapping uses: the VA of the first mapped page in it, its level and its raw value.</summary>
public readonly record struct MappedLeaf(VirtAddr Va, int Level, ulong Entry);

/// <summary>What a verification of a linear mapping found: pages that translate as expected, leaves by size, and the first mismatch.</summary>
public sealed record MappingCheck(ulong Verified, IReadOnlyDictionary<string, long> Sizes, long Contiguous, TranslationFault? Mismatch);

/// <summary>
/// Checks that a mapping of <c>Pages</c> pages from VA to PA translates linearly through the walker. Per leaf: one leaf
/// covers a whole range of pages whose output is the leaf's base plus the offset, so all of them match or none does;
/// the first, middle and last mapped page of each leaf are walked for real and must reach the same entry. Cost follows
/// the entries Xen wrote, not the pages they cover. Every page: the exhaustive check, one walk per page.
/// </summary>
public static class BootVerification
{
    /// <summary>Verifies <paramref name="mapped"/>.</summary>
    /// <param name="m">The machine whose tables are walked.</param>
    /// <param name="mapped">The mapping: VA, PA and pages.</param>
    /// <param name="everyPage">Walk each page instead of sampling each leaf.</param>
    /// <param name="leaves">When given, receives each leaf once, in VA order.</param>
    public static MappingCheck Verify(XenMachine m, DirectmapMapping mapped, bool everyPage = false, List<MappedLeaf>? leaves = null)
    {
        var run = new Run(m, mapped, leaves);
        for (var page = 0UL; page < mapped.Pages;)
            page = everyPage ? run.OnePage(page) : run.Leaf(page);
        return new MappingCheck(run.Verified, run.Sizes, run.Contiguous, run.Mismatch);
    }

    private sealed class Run
    {
        private readonly XenMachine _m;
        private readonly DirectmapMapping _mapped;
        private readonly List<MappedLeaf>? _leaves;
        private PteAttributes? _first;

        public Run(XenMachine m, DirectmapMapping mapped, List<MappedLeaf>? leaves)
        {
            _m = m;
            _mapped = mapped;
            _leaves = leaves;
            foreach (var level in m.Format.WalkOrder) Sizes[BootScenario.SizeName(m.Format.LevelSize(level))] = 0;
        }

        public SortedDictionary<string, long> Sizes { get; } = new(StringComparer.Ordinal);
        public ulong Verified { get; private set; }
        public long Contiguous { get; private set; }
        public TranslationFault? Mismatch { get; private set; }

        private VirtAddr Va(ulong page) => _mapped.Va.Add(page << Page.Shift);

        /// <summary>Checks one page; counts its leaf at the first page of it that the mapping covers. Returns the next page.</summary>
        public ulong OnePage(ulong page)
        {
            var va = Va(page);
            if (Check(va, page, out var leaf, out var level) is { } bad)
            {
                Mismatch ??= bad;
                return page + 1;
            }
            Verified++;
            if (page == 0 || (va.Value & (_m.Format.LevelSize(level) - 1)) == 0) Count(va, leaf, level);
            return page + 1;
        }

        /// <summary>Checks the leaf (or the faulting entry) behind <paramref name="page"/> once; returns the first page past it.</summary>
        public ulong Leaf(ulong page)
        {
            var va = Va(page);
            var bad = Check(va, page, out var leaf, out var level);
            var entryLevel = bad is null ? level : bad.Level;
            if (entryLevel is null) return OnePage(page); // outside the translated range: nothing covers more than this page
            var size = _m.Format.LevelSize(entryLevel.Value);
            var end = Math.Min(_mapped.Pages, page + ((size - (va.Value & (size - 1))) >> Page.Shift));
            if (bad is not null)
            {
                // Every page under one entry takes the same path to it: the same fault, or the same wrong offset.
                Mismatch ??= bad;
                return end;
            }
            // The samples must reach the same entry; if one does not, the walker disagrees with itself: check page by page.
            var mid = page + ((end - page) / 2);
            if (!Reaches(mid, leaf, level) || !Reaches(end - 1, leaf, level))
            {
                for (var p = page; p < end;) p = OnePage(p);
                return end;
            }
            Verified += end - page;
            Count(va, leaf, level);
            return end;
        }

        private bool Reaches(ulong page, ulong leaf, int level) => Check(Va(page), page, out var l, out var lv) is null && (l, lv) == (leaf, level);

        /// <summary>Walks <paramref name="va"/>: null when it reaches the expected PA through a leaf with the mapping's attributes.</summary>
        private TranslationFault? Check(VirtAddr va, ulong page, out ulong leaf, out int level)
        {
            var expected = _mapped.Pa.Add(page << Page.Shift);
            var pa = _m.WalkFast(va, out leaf, out level, out var fault);
            if (fault is not null) return fault;
            if (pa!.Value != expected) return new TranslationFault(va, level, $"maps {pa} instead of {expected}");
            // Every leaf of one map_pages_to_xen call carries the same flags; only the contiguous hint may differ.
            var attributes = _m.Codec.Attributes(leaf, level) with { Contiguous = false };
            _first ??= attributes;
            return attributes == _first
                ? null
                : new TranslationFault(va, level, $"leaf attributes {attributes} differ from the first leaf's {_first}");
        }

        private void Count(VirtAddr va, ulong leaf, int level)
        {
            Sizes[BootScenario.SizeName(_m.Format.LevelSize(level))]++;
            if (_m.Codec.Attributes(leaf, level).Contiguous) Contiguous++;
            _leaves?.Add(new MappedLeaf(va, level, leaf));
        }
    }
}
