using Pmap.Core;
using Pmap.Core.Machine;
using Pmap.Core.Scenarios;
using Pmap.Verify.RealXen;

namespace Pmap.Verify.Tests;

/// <summary>
/// TableDiff's heap-frame rule on synthetic trees: the model's 4.17 boot of 2 GiB beside a copy of itself with one leaf
/// changed. An entry that maps a heap page (dom0's maptrack, grant_table_init) is paired when only its frame differs and that
/// frame is one Xen's heap could hand out (RAM, outside Xen's image and the FDT, not a table page); anything else stays a
/// difference.
/// </summary>
public class HeapFrameTests
{
    private static readonly RamBank Ram = new(new PhysAddr(0x4000_0000), 2UL << 30);

    private static (XenMachine M, BootReport Report, TableSnapshot Model, XenHeap Heap) Boot()
    {
        var model = Models.Model("arm64", "xen-4.17");
        var (m, report, crash) = BootScenario.Boot(model, Ram, new MachineOptions());
        Assert.Null(crash);
        // The FDT as QEMU loads it at 1 to 4 GiB: 0x48000000, here taken as 0x9000 bytes long.
        var heap = new XenHeap(Ram, [new KeptRange("Xen's image", model.Image.Load, model.Image.Bank.Size),
            new KeptRange("the FDT", new PhysAddr(0x4800_0000), 0x9000)]);
        return (m, report!, TableExport.Export(m), heap);
    }

    /// <summary>The tree with the level-3 entry mapping <paramref name="frame"/> replaced by <paramref name="change"/> of it.</summary>
    private static TableSnapshot With(XenMachine m, TableSnapshot tree, PhysAddr frame, Func<ulong, ulong> change)
    {
        var tables = tree.Tables.Select(t => t with { Entries = (ulong[])t.Entries.Clone() }).ToList();
        var hits = 0;
        foreach (var t in tables.Where(t => t.Level == m.Format.LeafLevel))
        {
            for (var i = 0; i < t.Entries.Length; i++)
            {
                if (m.Codec.Classify(t.Entries[i], t.Level) != PteKind.Page || m.Codec.OutputAddress(t.Entries[i], t.Level) != frame) continue;
                t.Entries[i] = change(t.Entries[i]);
                hits++;
            }
        }
        Assert.Equal(1, hits);
        return tree with { Tables = tables };
    }

    private static (TableComparison C, EntryDiff D) CompareMaptrackMovedTo(Func<XenMachine, ulong, ulong> change)
    {
        var (m, report, tree, heap) = Boot();
        var maptrack = report.BootMappings.First(b => b.Function == "grant_table_init");
        var real = With(m, tree, maptrack.Pa, e => change(m, e));
        var c = TableDiff.Compare(tree, real, m.Format, m.Codec, m.TableName, report.BootMappings, heap);
        return (c, Assert.Single(c.Differences));
    }

    private static ulong Moved(XenMachine m, ulong entry, ulong pa) => m.Codec.WithOutputAddress(entry, 3, new PhysAddr(pa));

    [Fact]
    public void A_maptrack_page_elsewhere_in_heap_ram_is_equal_but_for_the_frame()
    {
        var (c, d) = CompareMaptrackMovedTo((m, e) => Moved(m, e, 0xbffb_7000)); // where Debian's 4.17.7 put it at 2 GiB
        Assert.True(d.FrameOnly);
        Assert.Equal("grant_table_init", d.Mapping!.Function);
        Assert.True(d.HeapChose);
        Assert.Null(d.NotAHeapFrame);
        Assert.Empty(c.Unexplained);
        Assert.True(c.Agrees);
    }

    [Fact]
    public void A_maptrack_page_whose_attributes_differ_too_is_a_difference()
    {
        // AP[2] set: read-only, besides another frame.
        var (c, d) = CompareMaptrackMovedTo((m, e) => Moved(m, e, 0xbffb_7000) | (1UL << 7));
        Assert.False(d.FrameOnly);
        Assert.False(d.HeapChose);
        Assert.False(c.Agrees);
    }

    [Fact]
    public void A_maptrack_frame_in_xens_image_is_a_difference()
    {
        var (c, d) = CompareMaptrackMovedTo((m, e) => Moved(m, e, 0x4021_0000));
        Assert.True(d.HeapFrame);
        Assert.False(d.HeapChose);
        Assert.Contains("Xen's image", d.NotAHeapFrame, StringComparison.Ordinal);
        Assert.False(c.Agrees);
    }

    [Fact]
    public void A_maptrack_frame_in_the_fdt_is_a_difference_and_the_page_after_it_is_not()
    {
        var (c, d) = CompareMaptrackMovedTo((m, e) => Moved(m, e, 0x4800_8000));
        Assert.Contains("the FDT", d.NotAHeapFrame, StringComparison.Ordinal);
        Assert.False(c.Agrees);
        var (after, _) = CompareMaptrackMovedTo((m, e) => Moved(m, e, 0x4800_9000)); // Xen's first heap page at 1 GiB
        Assert.True(after.Agrees);
    }

    [Fact]
    public void A_maptrack_frame_outside_ram_or_on_a_table_page_is_a_difference()
    {
        var (outside, d) = CompareMaptrackMovedTo((m, e) => Moved(m, e, 0xc000_0000));
        Assert.Contains("outside RAM", d.NotAHeapFrame, StringComparison.Ordinal);
        Assert.False(outside.Agrees);
        var (_, _, tree, _) = Boot();
        var table = tree.Tables[^1].Pa.Value;
        var (onTable, t) = CompareMaptrackMovedTo((m, e) => Moved(m, e, table));
        Assert.Contains("table pages", t.NotAHeapFrame, StringComparison.Ordinal);
        Assert.False(onTable.Agrees);
    }

    [Fact]
    public void A_frame_change_in_a_mapping_not_of_heap_pages_is_a_difference()
    {
        var (m, report, tree, heap) = Boot();
        var uart = report.BootMappings.First(b => b.Function == "pl011_uart_init");
        var real = With(m, tree, uart.Pa, e => Moved(m, e, 0xbffb_7000));
        var c = TableDiff.Compare(tree, real, m.Format, m.Codec, m.TableName, report.BootMappings, heap);
        var d = Assert.Single(c.Differences);
        Assert.True(d.FrameOnly);
        Assert.False(d.HeapFrame);
        Assert.False(d.HeapChose);
        Assert.False(c.Agrees);
    }

    [Fact]
    public void Without_a_heap_to_check_against_nothing_is_paired()
    {
        var (m, report, tree, _) = Boot();
        var maptrack = report.BootMappings.First(b => b.Function == "grant_table_init");
        var real = With(m, tree, maptrack.Pa, e => Moved(m, e, 0xbffb_7000));
        var c = TableDiff.Compare(tree, real, m.Format, m.Codec, m.TableName, report.BootMappings);
        Assert.True(Assert.Single(c.Differences).HeapFrame);
        Assert.False(c.Agrees);
    }

    [Fact]
    public void Unread_the_fdt_keeps_its_whole_early_fdt_map_block_out()
    {
        var (_, report, _, _) = Boot();
        var heap = XenHeap.Of(Models.Model("arm64", "xen-4.17"), Ram, report.BootMappings);
        Assert.NotNull(heap.WhyNot(new PhysAddr(0x481F_F000), 0x1000, new HashSet<ulong>()));
        Assert.Null(heap.WhyNot(new PhysAddr(0x4820_0000), 0x1000, new HashSet<ulong>()));
        var read = XenHeap.Of(Models.Model("arm64", "xen-4.17"), Ram, report.BootMappings,
            _ => [0xd0, 0x0d, 0xfe, 0xed, 0x00, 0x00, 0x90, 0x00]);
        Assert.Equal(0x9000UL, read.Kept.Single(k => k.Name == "the FDT").Size);
    }
}
