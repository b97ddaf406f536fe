namespace Pmap.Core.Machine;

/// <summary>
/// Xen's heap (xen/common/page_alloc.c, RELEASE-4.17.0) as far as boot needs it: end_boot_allocator's init_heap_pages of each
/// free region (_init_heap_pages: the largest aligned power-of-two chunks, each through free_heap_pages, which merges it with
/// a free buddy of its order), and alloc_domheap_page(NULL, 0): alloc_heap_pages from the highest zone down, the head of the
/// smallest order list that is not empty, halved until one page is left, each lower half going back to its list.
/// </summary>
/// <remarks>
/// One NUMA node and no DMA zone (arm's arch_want_default_dmazone() is false); a page's zone is flsl(mfn) (page_to_zone, no
/// separate xenheap). Every page freed before system_state is active needs scrubbing (opt_bootscrub defaults to idle), so
/// every buddy joins its list at the tail (page_list_add_scrub with a first_dirty).
/// </remarks>
public sealed class BuddyHeap(int maxOrder)
{
    private readonly Dictionary<ulong, int> _free = []; // a free buddy's first MFN -> its order
    private readonly Dictionary<(int Zone, int Order), LinkedList<ulong>> _lists = [];
    private readonly Dictionary<ulong, LinkedListNode<ulong>> _nodes = [];
    private readonly Dictionary<int, ulong> _avail = []; // avail[node][zone]

    /// <summary>MAX_ORDER: the largest buddy, 2^maxOrder pages (CONFIG_PAGEALLOC_MAX_ORDER, 18 on arm).</summary>
    public int MaxOrder { get; } = maxOrder;

    /// <summary>The free pages.</summary>
    public ulong FreePages => _avail.Values.Aggregate(0UL, (a, b) => a + b);

    /// <summary>page_to_zone: flsl(mfn), 1 for MFN 0.</summary>
    public static int Zone(ulong mfn) => mfn == 0 ? 1 : 64 - System.Numerics.BitOperations.LeadingZeroCount(mfn);

    /// <summary>init_heap_pages(pg, nr_pages): MFN 0 kept away, then _init_heap_pages.</summary>
    public void InitHeapPages(ulong start, ulong count)
    {
        if (start == 0)
        {
            if (count-- <= 1) return;
            start++;
        }
        var (s, e) = (start, start + count);
        while (s < e)
        {
            var order = Math.Min(MaxOrder, Fls(e - s) - 1);
            if (s != 0) order = Math.Min(order, System.Numerics.BitOperations.TrailingZeroCount(s));
            FreeHeapPages(s, order);
            s += 1UL << order;
        }
    }

    private static int Fls(ulong x) => 64 - System.Numerics.BitOperations.LeadingZeroCount(x);

    /// <summary>free_heap_pages(pg, order, need_scrub): merged with its buddy while that is free and of the same order.</summary>
    public void FreeHeapPages(ulong mfn, int order)
    {
        var zone = Zone(mfn);
        _avail[zone] = _avail.GetValueOrDefault(zone) + (1UL << order);
        while (order < MaxOrder)
        {
            var mask = 1UL << order;
            var buddy = (mfn & mask) != 0 ? mfn - mask : mfn + mask;
            if (!_free.TryGetValue(buddy, out var o) || o != order) break;
            Remove(buddy, zone, order);
            mfn = Math.Min(mfn, buddy);
            order++;
        }
        AddTail(mfn, zone, order);
    }

    /// <summary>alloc_domheap_page(NULL, 0): one page, or null when the heap is empty.</summary>
    public ulong? AllocDomheapPage()
    {
        foreach (var zone in _avail.Where(z => z.Value > 0).Select(z => z.Key).OrderDescending())
        {
            for (var j = 0; j <= MaxOrder; j++)
            {
                if (!_lists.TryGetValue((zone, j), out var list) || list.First is not { } head) continue;
                var pg = head.Value;
                Remove(pg, zone, j);
                for (var order = j; order > 0;)
                {
                    order--;
                    AddTail(pg, zone, order);
                    pg += 1UL << order;
                }
                _avail[zone]--;
                return pg;
            }
        }
        return null;
    }

    private void AddTail(ulong mfn, int zone, int order)
    {
        if (!_lists.TryGetValue((zone, order), out var list)) _lists[(zone, order)] = list = new LinkedList<ulong>();
        _nodes[mfn] = list.AddLast(mfn);
        _free[mfn] = order;
    }

    private void Remove(ulong mfn, int zone, int order)
    {
        _lists[(zone, order)].Remove(_nodes[mfn]);
        _nodes.Remove(mfn);
        _free.Remove(mfn);
    }
}
