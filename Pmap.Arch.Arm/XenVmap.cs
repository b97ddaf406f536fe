namespace Pmap.Arch.Arm;

/// <summary>
/// xen/common/vmap.c (RELEASE-4.17.7) for VMAP_DEFAULT as both Arm ports run it (arm64 also after early boot): vm_init_type's bitmap at the start of
/// the area, vm_alloc's first fit behind one guard page, vm_free, __vmap, vunmap, vmalloc, ioremap_attr (arch/arm/mm.c). The
/// bitmap's bits are held here; its pages are mapped and cleared as Xen does. Heap frames (alloc_domheap_page) come from the
/// model's buddy heap, which is Xen's up to vm_init (nothing is allocated before it); later Xen's heap has handed out pages the
/// model does not (every xmalloc of the boot), so the frames of later heap pages are not Xen's (<see cref="XenBootMapping.HeapFrames"/>).
/// </summary>
public sealed class XenVmap(IXenMachine m, XenPageTables pt, VirtAddr start, ulong size)
{
    private const int BitsPerPage = (int)Page.Size * 8;

    private bool[] _bitmap = [];
    private uint _top, _end, _low; // vm_top, vm_end, vm_low

    /// <summary>The mappings made and still in place, in order: what the boot report lists.</summary>
    public List<XenBootMapping> Made { get; } = [];

    /// <summary>alloc_domheap_page(NULL, 0).</summary>
    private Mfn AllocDomheapPage() => m.AllocDomheapPage();

    private VirtAddr Va(uint bit) => start.Add((ulong)bit << Page.Shift);

    /// <summary>vm_init_type(VMAP_DEFAULT, start, end): the first bitmap page(s) mapped and cleared, the rest of its tables populated.</summary>
    public void VmInit()
    {
        _end = (uint)(size >> Page.Shift);
        _low = (uint)PfnUp((_end + 7) / 8);
        var nr = (uint)PfnUp((_low + 7) / 8);
        _top = nr * BitsPerPage;
        _bitmap = new bool[_end];
        var va = start;
        for (var i = 0u; i < nr; i++, va = va.Add(Page.Size))
        {
            // alloc_boot_pages while in early boot (vm_init runs there from 4.19, 2213b5a293), else alloc_domheap_page.
            var mfn = m.SystemState == SystemState.EarlyBoot ? m.AllocBootPages(1, 1) : AllocDomheapPage();
            pt.MapPagesToXen(va, mfn, 1, Lpae.PageHypervisorRw);
            m.ClearPageVirt(va);
            Made.Add(new XenBootMapping("vm_init", va, mfn.ToPhysAddr(), 1)); // the boot allocator's or the heap's first page: Xen's, as modelled
        }
        Array.Fill(_bitmap, true, 0, (int)_low);
        pt.PopulatePtRange(va, _low - nr);
    }

    private static ulong PfnUp(ulong bytes) => (bytes + Page.Size - 1) >> Page.Shift;

    private uint NextBit(uint from, bool set)
    {
        while (from < _top && _bitmap[from] != set) from++;
        return Math.Min(from, _top);
    }

    /// <summary>vm_alloc(nr, align = 1): the first run of nr clear bits after a clear guard bit; the bitmap grows a page at a time.</summary>
    private VirtAddr? VmAlloc(uint nr)
    {
        uint begin;
        while (true)
        {
            for (begin = _low; begin < _top;)
            {
                var bit = NextBit(begin + 1, true);
                begin++; // the skipped first bit is the guard page
                if (bit < _top)
                {
                    if (begin + nr < bit) break;
                    begin = NextBit(bit + 1, false);
                }
                else
                {
                    if (begin + nr <= bit) break;
                    begin = bit;
                }
            }
            if (begin < _top) break;
            if (_top >= _end) return null;
            var mfn = AllocDomheapPage();
            var va = start.Add(_top / 8);
            if (pt.MapPagesToXen(va, mfn, 1, Lpae.PageHypervisorRw) != 0) return null;
            m.ClearPageVirt(va);
            Made.Add(new XenBootMapping("vm_alloc", va, mfn.ToPhysAddr(), 1) { HeapFrames = m.SystemState != SystemState.EarlyBoot });
            _top = Math.Min(_top + BitsPerPage, _end);
        }
        uint b;
        for (b = begin; b < begin + nr; b++) _bitmap[b] = true;
        if (begin <= _low + 2) _low = b;
        return Va(begin);
    }

    private uint VmIndex(VirtAddr va) => (uint)((va.Value - start.Value) >> Page.Shift);

    /// <summary>vm_size: the run of set bits from the VA's.</summary>
    private uint VmSize(VirtAddr va)
    {
        var first = VmIndex(va);
        return NextBit(first + 1, false) - first;
    }

    /// <summary>vm_free: clears the run and lowers vm_low to the clear bit below it.</summary>
    private void VmFree(VirtAddr va)
    {
        var bit = VmIndex(va);
        if (bit < _low)
        {
            _low = bit - 1;
            while (!_bitmap[_low - 1]) _low--;
        }
        while (bit < _top && _bitmap[bit])
        {
            _bitmap[bit] = false;
            bit++;
        }
    }

    /// <summary>__vmap(mfn, granularity, nr, 1, flags, VMAP_DEFAULT): one map_pages_to_xen per granule.</summary>
    public VirtAddr Vmap(string function, IReadOnlyList<Mfn> mfns, uint granularity, uint flags, bool heap = false)
    {
        var va = VmAlloc((uint)mfns.Count * granularity)
            ?? throw new XenPanicException($"{function}: the VMAP is full", function);
        var cur = va;
        foreach (var mfn in mfns)
        {
            if (pt.MapPagesToXen(cur, mfn, granularity, flags) != 0) throw new XenPanicException($"{function}: map_pages_to_xen failed", function);
            Made.Add(new XenBootMapping(function, cur, mfn.ToPhysAddr(), granularity) { HeapFrames = heap });
            cur = cur.Add(granularity * Page.Size);
        }
        return va;
    }

    /// <summary>vunmap(va): destroy_xen_mappings over its pages (a flushed removal; the tables stay), then vm_free.</summary>
    public void Vunmap(VirtAddr va)
    {
        var pages = VmSize(va);
        pt.DestroyXenMappings(va, va.Add(pages * Page.Size));
        VmFree(va);
        Made.RemoveAll(b => b.Va.Value >= va.Value && b.Va.Value < va.Value + (pages << Page.Shift)); // no longer mapped
    }

    /// <summary>ioremap_nocache(pa, len): ioremap_attr with PAGE_HYPERVISOR_NOCACHE, one granule of PFN_UP(offs + len) pages.</summary>
    public VirtAddr Ioremap(string function, PhysAddr pa, ulong len)
    {
        var nr = (uint)PfnUp(pa.PageOffset + len);
        return Vmap(function, [pa.ToMfn()], nr, Lpae.PageHypervisorNocache).Add(pa.PageOffset);
    }

    /// <summary>vzalloc(size): PFN_UP(size) domheap pages one by one, __vmap'ed a page each with PAGE_HYPERVISOR, then cleared.</summary>
    public VirtAddr Vzalloc(string function, ulong bytes)
    {
        var mfns = new List<Mfn>();
        for (var i = 0UL; i < PfnUp(bytes); i++) mfns.Add(AllocDomheapPage());
        var va = Vmap(function, mfns, 1, Lpae.PageHypervisorRw, heap: true);
        for (var i = 0; i < mfns.Count; i++) m.ClearPageVirt(va.Add((ulong)i * Page.Size));
        return va;
    }
}
