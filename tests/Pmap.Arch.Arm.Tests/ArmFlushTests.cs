namespace Pmap.Arch.Arm.Tests;

/// <summary>
/// The TLB flushes' operands and the flush that ends a non-insertion xen_pt_update (docs/XEN_FACTS.md §3, §9).
/// </summary>
public class ArmFlushTests
{
    private static XenMachine Boot(string profile) => new Arm64Architecture().Create(ArchSettings.For(profile)).Boot();

    private static List<(string Op, ulong? Reg)> Instructions(XenMachine m, int mark) => m.Trace.Since(mark)
        .Where(e => e.Kind is TraceKind.Barrier or TraceKind.TlbFlush).Select(e => (e.Op!, e.Reg)).ToList();

    [Fact]
    public void Tlbi_vae2_takes_the_va_shifted_right_by_page_shift()
    {
        // __flush_xen_tlb_one_local: "tlbi vae2, %0" with va >> PAGE_SHIFT (arm64/flushtlb.h TLB_HELPER_VA): the register holds
        // VA[55:12]. PMAP slot 66 on 4.17 is FIXMAP_ADDR(66) = 0x400000 + 66 * 4K = 0x442000, so the register holds 0x442.
        var m = Boot("xen-4.17");
        var va = m.Pmap.Map(new Mfn(0x12345));
        var mark = m.Trace.Count;
        m.Pmap.Unmap(va);
        var tlbi = Assert.Single(m.Trace.Since(mark), e => e.Kind == TraceKind.TlbFlush);
        Assert.Equal(("tlbi vae2", 0x442000UL, 0x442UL), (tlbi.Op, tlbi.Va!.Value.Value, tlbi.Reg));
    }

    [Theory]
    // 4.17.0–4.17.6: flush_xen_tlb_range_va is dsb sy; tlbi vae2is; dsb sy; isb (c9a82940af).
    [InlineData("xen-4.17.6", "dsb sy", "dsb sy")]
    // 4.17.7 (333c263bba) and 4.18.0 on (5e5d1a43e1): dsb ishst; tlbi vae2is; dsb ish; isb. The repeat-TLBI and
    // __tlb_repeat_sync ALTERNATIVEs are nops until apply_alternatives_all, after PMAP's early boot.
    [InlineData("xen-4.17", "dsb ishst", "dsb ish")]
    [InlineData("xen-4.18.0", "dsb ishst", "dsb ish")]
    [InlineData("xen-4.22.0", "dsb ishst", "dsb ish")]
    public void A_non_insertion_update_ends_with_the_broadcast_flush(string profile, string before, string after)
    {
        // destroy_xen_mappings of two pages: xen_pt_update's flush is flush_xen_tlb_range_va (inner shareable, all CPUs),
        // not the local flush arch_pmap_unmap uses.
        var m = Boot(profile);
        var model = (ArmModel)m.Arch;
        var va = new VirtAddr(Arm64Model.DirectmapStart.Value + 0x40000000);
        var pt = new XenPageTables(model, m);
        Assert.Equal(0, pt.MapPagesToXen(va, new Mfn(0x40000), 2, Lpae.PageHypervisorRw));
        var mark = m.Trace.Count;
        Assert.Equal(0, pt.DestroyXenMappings(va, va.Add(2 * Page.Size)));
        var tail = Instructions(m, mark).TakeLast(5).ToList();
        var reg = va.Value >> Page.Shift;
        Assert.Equal([(before, null), ("tlbi vae2is", reg), ("tlbi vae2is", reg + 1), (after, null), ("isb", null)], tail);
        Assert.Throws<HypervisorFaultException>(() => m.ReadVirt64(va));
    }
}
