namespace Pmap.Core.Machine;

/// <summary>
/// Xen's boot allocator (xen/common/page_alloc.c: init_boot_pages / alloc_boot_pages).
/// Regions are kept sorted; alloc_boot_pages scans from the last (highest) region down and takes
/// <c>(r.e - nr) &amp; ~(align - 1)</c> from the end of the first region that fits, so frames come top-down.
/// </summary>
public sealed class BootAllocator
{
    private readonly List<(ulong Start, ulong End)> _regions = []; // [Start, End) in MFNs

    /// <summary>init_boot_pages(ps, pe): adds [start, end) (physical addresses, rounded inwards to pages).</summary>
    public void InitBootPages(PhysAddr start, PhysAddr end)
    {
        var s = (start.Value + Page.Size - 1) >> Page.Shift;
        var e = end.Value >> Page.Shift;
        if (s < e) Add(s, e);
    }

    /// <summary>Removes [start, end) from the free regions (Xen's image, modules), as setup_mm does before init_boot_pages.</summary>
    public void Reserve(PhysAddr start, PhysAddr end)
    {
        var s = start.Value >> Page.Shift;
        var e = (end.Value + Page.Size - 1) >> Page.Shift;
        for (var i = _regions.Count - 1; i >= 0; i--)
        {
            var (rs, re) = _regions[i];
            if (e <= rs || s >= re) continue;
            _regions.RemoveAt(i);
            if (s > rs) _regions.Insert(i, (rs, s));
            if (e < re) _regions.Insert(s > rs ? i + 1 : i, (e, re));
        }
    }

    private void Add(ulong s, ulong e)
    {
        var i = 0;
        while (i < _regions.Count && _regions[i].Start < s) i++;
        _regions.Insert(i, (s, e));
    }

    /// <summary>
    /// end_boot_allocator's order of the free regions ([start, end) in MFNs), which it empties: the first region (all are on
    /// node 0), then the others from the highest down.
    /// </summary>
    public IReadOnlyList<(ulong Start, ulong End)> TakeRegions()
    {
        var free = _regions.Where(r => r.Start < r.End).ToList();
        _regions.Clear();
        return free.Count == 0 ? [] : [free[0], .. Enumerable.Reverse(free.Skip(1))];
    }

    /// <summary>alloc_boot_pages(nr_pfns, pfn_align); BUG() when nothing fits, as Xen does.</summary>
    public Mfn AllocBootPages(ulong nr, ulong align)
    {
        for (var i = _regions.Count - 1; i >= 0; i--)
        {
            var (rs, re) = _regions[i];
            if (re < nr) continue;
            var pg = (re - nr) & ~(align - 1);
            if (pg >= re || pg < rs) continue;
            _regions[i] = (rs, pg);
            if (pg + nr < re) Add(pg + nr, re); // bootmem_region_add(pg + nr, _e): the alignment tail
            if (rs == pg) _regions.Remove((rs, pg));
            return new Mfn(pg);
        }
        throw new XenBugException("BUG()", "alloc_boot_pages", "common/page_alloc.c"); // nothing fits: Xen BUG()s
    }
}
