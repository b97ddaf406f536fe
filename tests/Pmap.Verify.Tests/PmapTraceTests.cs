using Pmap.Verify.RealXen;

namespace Pmap.Verify.Tests;

/// <summary>How breakpoint stops become PMAP calls and how the model's calls are found among a real Xen's: no QEMU needed.</summary>
public class PmapTraceTests
{
    // Arm64 xen-4.17: FIXMAP_ADDR(n) = 0x400000 + n * 4K, so slot 66 (FIX_PMAP_BEGIN) is at 0x442000 and 67 at 0x443000.
    private static readonly RealPmapStop[] Stops =
    [
        new(true, 0x4032b, 0x442000), new(true, 0xbffff, 0x443000), new(false, null, 0x443000), new(false, null, 0x442000),
        new(true, 0x12345, 0x400000), new(false, null, 0x400000),
    ];

    [Fact]
    public void Stops_become_slots_and_an_unmap_names_the_frame_its_slot_held()
    {
        var calls = XenPmapTrace.Calls(Stops, Models.Model("arm64", "xen-4.17").Fixmap);
        Assert.Equal(
        [
            new PmapCall(true, 66, 0x4032b), new PmapCall(true, 67, 0xbffff), new PmapCall(false, 67, 0xbffff),
            new PmapCall(false, 66, 0x4032b), new PmapCall(true, 0, 0x12345), new PmapCall(false, 0, 0x12345),
        ], calls);
    }

    [Fact]
    public void Only_the_whole_sequence_agrees_and_the_first_call_that_parts_is_named()
    {
        var real = XenPmapTrace.Calls(Stops, Models.Model("arm64", "xen-4.17").Fixmap);
        var found = XenPmapTrace.Compare(real, real.Skip(1).Take(2).ToList());
        Assert.Equal(1, found.ModelRunAt);
        Assert.Equal([real[0]], found.RealBefore);
        Assert.Equal(real.Skip(3), found.RealAfter);
        Assert.False(found.Agrees); // a run found inside is not the sequence: Xen made calls the model did not
        Assert.Equal(0, found.FirstDifference);
        var whole = XenPmapTrace.Compare(real.Take(4).ToList(), real.Take(4).ToList());
        Assert.True(whole.Agrees);
        Assert.Null(whole.FirstDifference);
        var shorter = XenPmapTrace.Compare(real, real.Take(4).ToList());
        Assert.Equal((0, false, 4), (shorter.ModelRunAt, shorter.Agrees, shorter.FirstDifference)); // the model stops early
        var reordered = XenPmapTrace.Compare(real, [real[1], real[0]]);
        Assert.Null(reordered.ModelRunAt);
        Assert.False(reordered.Agrees);
    }
}
