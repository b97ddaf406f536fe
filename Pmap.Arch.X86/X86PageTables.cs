
namespace Pmap.Arch.X86;

/// <summary>
/// map_pages_to_xen and virt_to_xen_l3e/l2e/l1e (arch/x86/mm.c) as the posted PMAP series runs them in early boot, where
/// map_domain_page is pmap_map and unmap_domain_page is pmap_unmap (series v5 07/15). idle_pg_table lives in Xen's image and
/// is reached directly; each L3/L2/L1 table is mapped through PMAP, and a parent stays mapped while its child is allocated.
/// Not modelled (early boot on fresh RAM never takes them): replacing a present entry with its flush, and shattering a
/// superpage; both are refused with -EEXIST and a printk instead.
/// </summary>
internal sealed class X86PageTables(X86Model arch, IXenMachine m)
{
    private const int Order = 9; // PAGETABLE_ORDER
    private readonly uint _flags = X86Pte.PageHypervisor(arch.CpuHasNx); // PAGE_HYPERVISOR

    private static bool Present(ulong e) => (e & X86Pte.Present) != 0;
    private static bool Pse(ulong e) => (e & X86Pte.Pse) != 0;
    private static Mfn MfnOf(ulong e) => new PhysAddr(e & X86Pte.AddressMask).ToMfn();
    private VirtAddr Entry(VirtAddr table, VirtAddr v, int level) => table.Add((ulong)arch.Format.Index(v, level) * Page.EntryBytes);

    /// <summary>IS_LnE_ALIGNED(v, m, n): the PFN and MFN share alignment to a level-n entry.</summary>
    private static bool Aligned(VirtAddr v, Mfn mfn, int level) =>
        (((v.Value >> Page.Shift) | mfn.Value) & ((1UL << (Order * (level - 1))) - 1)) == 0;

    /// <summary>unmap_domain_page = pmap_unmap of the page holding a table pointer; NULL is a no-op (UNMAP_DOMAIN_PAGE also NULLs it).</summary>
    private void Unmap(ref VirtAddr? p)
    {
        if (p is { } va) m.PmapUnmap(new VirtAddr(va.Value & ~(Page.Size - 1)));
        p = null;
    }

    /// <summary>alloc_mapped_pagetable: alloc_xen_pagetable, map_domain_page (pmap_map), clear_page; callers UNMAP_DOMAIN_PAGE it at once.</summary>
    private Mfn AllocMappedPagetable(int level)
    {
        var mfn = m.AllocTablePage(level);
        var p = m.PmapMap(mfn);
        m.ClearPageVirt(p);
        m.PmapUnmap(p);
        return mfn;
    }

    /// <summary>virt_to_xen_l3e: &amp;idle_pg_table[l4_table_offset(v)] directly; a missing L3 is allocated; map_l3t_from_l4e (pmap_map).</summary>
    private VirtAddr VirtToXenL3e(VirtAddr v)
    {
        var pl4e = arch.StaticTable("idle_pg_table").Add((ulong)arch.Format.Index(v, 4) * Page.EntryBytes);
        if (!Present(m.ReadPhys64(pl4e))) m.WritePte(pl4e, X86Pte.FromMfn(AllocMappedPagetable(3), X86Pte.IntermediateFlags), X86Rules.Mov); // l4e_write
        return Entry(m.PmapMap(MfnOf(m.ReadPhys64(pl4e))), v, 3);
    }

    /// <summary>virt_to_xen_l2e / virt_to_xen_l1e: the parent entry from the level above (mapped), a child allocated while it
    /// stays mapped, the parent unmapped, then the child mapped (map_l2t_from_l3e / map_l1t_from_l2e).</summary>
    private VirtAddr VirtToXenLower(VirtAddr v, int level)
    {
        var parent = level == 2 ? VirtToXenL3e(v) : VirtToXenLower(v, 2);
        if (!Present(m.ReadVirt64(parent))) m.WritePteVirt(parent, X86Pte.FromMfn(AllocMappedPagetable(level), X86Pte.IntermediateFlags), X86Rules.Mov);
        var e = m.ReadVirt64(parent); // BUG_ON(PSE) cannot fire: map_pages_to_xen refuses superpages before calling
        VirtAddr? p = parent;
        Unmap(ref p);
        return Entry(m.PmapMap(MfnOf(e)), v, level);
    }

    /// <summary>The merge checks after a 4K (L2) or any non-1G (L3) write: map the table below, compare all 512 entries.</summary>
    private void TryMerge(VirtAddr pEntry, int level)
    {
        var e = m.ReadVirt64(pEntry);
        if (!Present(e) || Pse(e)) return;
        var table = m.PmapMap(MfnOf(e)); // map_l1t_from_l2e / map_l2t_from_l3e
        var first = m.ReadVirt64(table);
        var span = 1UL << (Order * (level - 2));
        var baseMfn = MfnOf(first).Value & ~((span << Order) - 1);
        var childFlags = level == 2 ? _flags : _flags | X86Pte.Pse;
        var i = 0;
        for (; i < Page.EntriesPerTable; i++)
        {
            var c = m.ReadVirt64(table.Add((ulong)i * Page.EntryBytes));
            if (MfnOf(c).Value != baseMfn + ((ulong)i * span) || X86Pte.GetPteFlags(c) != childFlags) break;
        }
        m.PmapUnmap(table);
        if (i < Page.EntriesPerTable) return;
        m.WritePteVirt(pEntry, X86Pte.FromMfn(new Mfn(baseMfn), _flags | X86Pte.Pse), X86Rules.Mov);
        m.FlushTlbAll(X86Rules.FlushTlbGlobal); // flush_area(virt - PAGE_SIZE, FLUSH_TLB_GLOBAL | FLUSH_ORDER(n))
    }

    private int Refuse(string why)
    {
        m.Printk($"map_pages_to_xen: {why}");
        return -Errno.EEXIST;
    }

    /// <summary>map_pages_to_xen(virt, mfn, nr, PAGE_HYPERVISOR); <paramref name="superpages"/> false stands for MAP_SMALL_PAGES.</summary>
    public int MapPagesToXen(VirtAddr virt, Mfn mfn, ulong nr, bool superpages)
    {
        using var hook = m.Hook("map_pages_to_xen", virt);
        VirtAddr? pl3e = null, pl2e = null;
        var rc = 0;
        var flags = superpages ? _flags : 0u; // MAP_SMALL_PAGES makes flags != PAGE_HYPERVISOR: no merging
        while (nr != 0 && rc == 0)
        {
            Unmap(ref pl3e); // "Clean up the previous iteration."
            Unmap(ref pl2e);
            pl3e = VirtToXenL3e(virt);
            var ol3e = m.ReadVirt64(pl3e.Value);
            if (arch.CpuHasPage1Gb && superpages && Aligned(virt, mfn, 3) && nr >= 1UL << (2 * Order))
            {
                if (Present(ol3e)) { rc = Refuse($"{virt} is already mapped; the model does not replace present entries"); break; }
                m.WritePteVirt(pl3e.Value, X86Pte.FromMfn(mfn, _flags | X86Pte.Pse), X86Rules.Mov); // 1GB-page mapping
                (virt, mfn, nr) = (virt.Add(1UL << 30), mfn.Add(1UL << (2 * Order)), nr - (1UL << (2 * Order)));
                continue;
            }
            if (Present(ol3e) && Pse(ol3e)) { rc = Refuse($"{virt} lies in a superpage at level 3; the model does not shatter it"); break; }
            pl2e = VirtToXenLower(virt, 2);
            var ol2e = m.ReadVirt64(pl2e.Value);
            if (superpages && Aligned(virt, mfn, 2) && nr >= 1UL << Order)
            {
                if (Present(ol2e)) { rc = Refuse($"{virt} is already mapped; the model does not replace present entries"); break; }
                m.WritePteVirt(pl2e.Value, X86Pte.FromMfn(mfn, _flags | X86Pte.Pse), X86Rules.Mov);
                (virt, mfn, nr) = (virt.Add(2UL << 20), mfn.Add(1UL << Order), nr - (1UL << Order));
            }
            else
            {
                if (Present(ol2e) && Pse(ol2e)) { rc = Refuse($"{virt} lies in a superpage at level 2; the model does not shatter it"); break; }
                // virt_to_xen_l1e while pl3e and pl2e stay mapped, or map_l1t_from_l2e of the present L1.
                VirtAddr? pl1e = Present(ol2e) ? Entry(m.PmapMap(MfnOf(ol2e)), virt, 1) : VirtToXenLower(virt, 1);
                var present = Present(m.ReadVirt64(pl1e.Value));
                if (!present) m.WritePteVirt(pl1e.Value, X86Pte.FromMfn(mfn, _flags), X86Rules.Mov); // l1e_write
                Unmap(ref pl1e);
                if (present) { rc = Refuse($"{virt} is already mapped; the model does not replace present entries"); break; }
                (virt, mfn, nr) = (virt.Add(Page.Size), mfn.Add(1), nr - 1);
                if (flags == _flags && (nr == 0 || Aligned(virt, mfn, 2))) TryMerge(pl2e.Value, 2);
            }
            // check_l3
            if (arch.CpuHasPage1Gb && flags == _flags && (nr == 0 || Aligned(virt, mfn, 3))) TryMerge(pl3e.Value, 3);
        }
        Unmap(ref pl3e); // out:
        Unmap(ref pl2e);
        return rc;
    }
}
