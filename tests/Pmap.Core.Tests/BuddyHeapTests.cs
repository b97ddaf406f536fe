using Pmap.Core.Machine;

namespace Pmap.Core.Tests;

/// <summary>Xen's heap (common/page_alloc.c, RELEASE-4.17.0): _init_heap_pages' chunks, free_heap_pages' merges, alloc_heap_pages' choice.</summary>
public class BuddyHeapTests
{
    [Fact]
    public void An_odd_start_is_freed_as_a_single_page_and_handed_out_first()
    {
        // [0x48009, 0x48020): 0x48009 order 0, 0x4800a order 1, 0x4800c order 2, 0x48010 order 4.
        var h = new BuddyHeap(18);
        h.InitHeapPages(0x48009, 0x17);
        Assert.Equal(0x17UL, h.FreePages);
        // Order 0 first; then the order-1 buddy halved (its lower page back to the order-0 list, the upper handed out), ...
        Assert.Equal([0x48009UL, 0x4800bUL, 0x4800aUL, 0x4800fUL, 0x4800eUL, 0x4800dUL, 0x4800cUL, 0x4801fUL],
            Enumerable.Range(0, 8).Select(_ => h.AllocDomheapPage()!.Value));
    }

    [Fact]
    public void The_highest_zone_goes_first()
    {
        // Zone = flsl(mfn): 0x7ffff is in zone 19, 0x80000 in zone 20.
        var h = new BuddyHeap(18);
        h.InitHeapPages(0x7fff0, 0x20);
        Assert.Equal(0x8000fUL, h.AllocDomheapPage());
        Assert.Equal((19, 20), (BuddyHeap.Zone(0x7ffff), BuddyHeap.Zone(0x80000)));
    }

    [Fact]
    public void A_freed_page_merges_with_its_free_buddy()
    {
        var h = new BuddyHeap(18);
        h.InitHeapPages(0x1000, 2); // one order-1 buddy
        var a = h.AllocDomheapPage()!.Value; // 0x1001, 0x1000 back as order 0
        h.FreeHeapPages(a, 0); // merges back into the order-1 buddy at 0x1000
        Assert.Equal(0x1001UL, h.AllocDomheapPage());
        Assert.Equal(0x1000UL, h.AllocDomheapPage());
        Assert.Null(h.AllocDomheapPage());
    }

    [Fact]
    public void Mfn_0_is_kept_away_and_chunks_stop_at_max_order()
    {
        var h = new BuddyHeap(2);
        h.InitHeapPages(0, 9); // 1 (order 0), 2 (order 1), 4 (order 2), 8 (order 0): zones 1, 2, 3 and 4
        Assert.Equal(8UL, h.FreePages);
        // Zone 4 first, then zone 3's order-2 buddy halved twice (6 back as order 0, 4 as order 1), ..., zone 1 last.
        Assert.Equal([8UL, 7UL, 6UL, 5UL, 4UL, 3UL, 2UL, 1UL], Enumerable.Range(0, 8).Select(_ => h.AllocDomheapPage()!.Value));
    }
}
