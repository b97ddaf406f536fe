
namespace Pmap.Arch.Arm;

/// <summary>
/// Xen on Arm's page-table update path in early boot (RELEASE-4.17.0 arch/arm/mm.c; HEAD mmu/pt.c):
/// map_pages_to_xen → xen_pt_update → xen_pt_mapping_level / xen_pt_check_contig / xen_pt_update_entry →
/// xen_pt_next_level / create_xen_table, with every table page reached through xen_map_table, which in
/// early_boot is pmap_map and later map_domain_page (<paramref name="mapDomainPage"/>: arm64's directmap; without it the model
/// refuses to leave early boot). Return codes are Xen's (0, -EINVAL, -ENOENT, -EOPNOTSUPP).
/// </summary>
public sealed class XenPageTables(ArmModel arch, IXenMachine m, Func<Mfn, VirtAddr>? mapDomainPage = null)
{
    public const int Xen4KNrContig = 16; // XEN_PT_4K_NR_CONTIG

    private const int TableMapFailed = 0, TableSuperPage = 1, TableNormalPage = 2;
    private static readonly Mfn InvalidMfn = new(ulong.MaxValue);

    private readonly int _rootLevel = arch.Format.RootLevel;

    /// <summary>XEN_PT_LEVEL_ORDER(level): 9 × (3 - level).</summary>
    private static int LevelOrder(int level) => Page.EntriesPerTableShift * (3 - level);

    /// <summary>map_pages_to_xen(virt, mfn, nr_mfns, flags).</summary>
    public int MapPagesToXen(VirtAddr virt, Mfn mfn, ulong nrMfns, uint flags) => XenPtUpdate(virt, mfn, nrMfns, flags);

    /// <summary>destroy_xen_mappings(s, e): xen_pt_update(s, INVALID_MFN, (e - s) &gt;&gt; PAGE_SHIFT, 0), a non-insertion update.</summary>
    public int DestroyXenMappings(VirtAddr start, VirtAddr end) => XenPtUpdate(start, InvalidMfn, (end.Value - start.Value) >> Page.Shift, 0);

    /// <summary>populate_pt_range(virt, nr_mfns): xen_pt_update(virt, INVALID_MFN, nr_mfns, _PAGE_POPULATE), the tables alone.</summary>
    public int PopulatePtRange(VirtAddr virt, ulong nrMfns) => XenPtUpdate(virt, InvalidMfn, nrMfns, Lpae.PagePopulate);

    /// <summary>xen_map_table: pmap_map in early boot, then map_domain_page.</summary>
    private VirtAddr XenMapTable(Mfn mfn)
    {
        if (m.SystemState == SystemState.EarlyBoot) return m.PmapMap(mfn);
        return mapDomainPage is null
            ? throw new PmapUsageException("the model's page-table path covers early boot only (map_domain_page is not modelled)")
            : mapDomainPage(mfn);
    }

    /// <summary>xen_unmap_table: pmap_unmap in early boot; unmap_domain_page of a directmap address does nothing.</summary>
    private void XenUnmapTable(VirtAddr table)
    {
        if (m.SystemState == SystemState.EarlyBoot) m.PmapUnmap(table);
    }

    /// <summary>
    /// create_xen_table: a boot page (after early boot a domheap page), mapped, cleared, unmapped, then linked with an MT_NORMAL
    /// table entry.
    /// </summary>
    private void CreateXenTable(VirtAddr entry, int level)
    {
        var mfn = m.AllocTablePage(level + 1);
        var p = XenMapTable(mfn);
        m.ClearPageVirt(p);
        XenUnmapTable(p);
        var pte = Lpae.MfnToXenEntry(mfn, Lpae.MtNormal, arch.PaddrBits, m.Debug) | Lpae.Table;
        arch.WritePteVirt(m, entry, pte);
    }

    /// <summary>xen_pt_next_level: create the next table if needed; unmap this table before mapping the next.</summary>
    private int XenPtNextLevel(bool readOnly, int level, ref VirtAddr table, int offset)
    {
        var entry = table.Add((ulong)offset * Page.EntryBytes);
        var e = m.ReadVirt64(entry);
        if (!Lpae.IsValid(e))
        {
            if (readOnly) return TableMapFailed;
            CreateXenTable(entry, level);
            e = m.ReadVirt64(entry);
        }
        if (Lpae.IsMapping(e, level)) return TableSuperPage;
        var next = Lpae.GetMfn(e);
        XenUnmapTable(table);
        table = XenMapTable(next);
        return TableNormalPage;
    }

    /// <summary>xen_pt_check_entry: the sanity checks with Xen's mm_printk messages.</summary>
    private bool XenPtCheckEntry(ulong entry, Mfn mfn, int level, uint flags)
    {
        var present = (flags & Lpae.PagePresent) != 0;
        if (present && mfn == InvalidMfn)
        {
            if (!Lpae.IsValid(entry)) return Fail("Modifying invalid entry is not allowed.");
            if (!Lpae.IsMapping(entry, level)) return Fail("Modifying a table entry is not allowed.");
            var ai = (entry & Lpae.AiMask) >> Lpae.AiShift;
            if (ai != Lpae.PageAiMask(flags))
                return Fail($"Modifying memory attributes is not allowed (0x{ai:x} -> 0x{Lpae.PageAiMask(flags):x}).");
            if ((entry & Lpae.Contig) != 0) return Fail("Modifying entry with contiguous bit set is not allowed.");
        }
        else if (present)
        {
            m.Assert(mfn != InvalidMfn, "!mfn_eq(mfn, INVALID_MFN)", "xen_pt_check_entry");
            // No replacing a valid entry: xen_pt_update relies on it to skip the TLB flush.
            if (Lpae.IsValid(entry))
            {
                return Lpae.IsMapping(entry, level)
                    ? Fail($"Changing MFN for a valid entry is not allowed ({Hex.Format(Lpae.GetMfn(entry).Value)} -> {Hex.Format(mfn.Value)}).")
                    : Fail("Trying to replace a table with a mapping.");
            }
        }
        else if ((flags & (Lpae.PagePresent | Lpae.PagePopulate)) == 0)
        {
            m.Assert(mfn == InvalidMfn, "mfn_eq(mfn, INVALID_MFN)", "xen_pt_check_entry");
            if (Lpae.IsTable(entry, level)) return Fail("Removing a table is not allowed.");
            if ((entry & Lpae.Contig) != 0) return Fail("Removing entry with contiguous bit set is not allowed.");
        }
        else
        {
            m.Assert((flags & Lpae.PagePopulate) != 0, "flags & _PAGE_POPULATE", "xen_pt_check_entry");
            m.Assert(mfn == InvalidMfn, "mfn_eq(mfn, INVALID_MFN)", "xen_pt_check_entry");
        }
        return true;
    }

    private bool Fail(string message)
    {
        if (m.Debug) m.Printk(message); // mm_printk prints only in debug builds
        return false;
    }

    /// <summary>xen_pt_update_entry: walk to the target level through PMAP, check, write the entry, unmap.</summary>
    private int XenPtUpdateEntry(Mfn root, VirtAddr virt, Mfn mfn, int target, uint flags)
    {
        var readOnly = mfn == InvalidMfn && (flags & Lpae.PagePopulate) == 0;
        m.Assert((flags & (Lpae.PagePopulate | Lpae.PagePresent)) != (Lpae.PagePopulate | Lpae.PagePresent),
            "(flags & (_PAGE_POPULATE|_PAGE_PRESENT)) != (_PAGE_POPULATE|_PAGE_PRESENT)", "xen_pt_update_entry");

        var table = XenMapTable(root);
        int rc;
        var level = _rootLevel;
        for (; level < target; level++)
        {
            rc = XenPtNextLevel(readOnly, level, ref table, arch.Format.Index(virt, level));
            if (rc == TableMapFailed)
            {
                if ((flags & (Lpae.PagePresent | Lpae.PagePopulate)) != 0)
                {
                    Fail($"xen_pt_update_entry: Unable to map level {level}");
                    rc = -Errno.ENOENT;
                }
                else rc = 0;
                XenUnmapTable(table);
                return rc;
            }
            if (rc != TableNormalPage) break;
        }

        rc = 0;
        if (level != target)
        {
            Fail("xen_pt_update_entry: Shattering superpage is not supported");
            rc = -Errno.EOPNOTSUPP;
        }
        else
        {
            var entry = table.Add((ulong)arch.Format.Index(virt, level) * Page.EntryBytes);
            var current = m.ReadVirt64(entry);
            if (!XenPtCheckEntry(current, mfn, level, flags)) rc = -Errno.EINVAL;
            else if ((flags & Lpae.PagePopulate) == 0)
            {
                ulong pte;
                if ((flags & Lpae.PagePresent) == 0) pte = 0;
                else
                {
                    pte = mfn != InvalidMfn
                        ? Lpae.MfnToXenEntry(mfn, Lpae.PageAiMask(flags), arch.PaddrBits, m.Debug) & ~Lpae.Table | (level == 3 ? Lpae.Table : 0)
                        : current;
                    pte = Set(pte, Lpae.Ro, Lpae.PageRoMask(flags));
                    pte = Set(pte, Lpae.Xn, Lpae.PageXnMask(flags));
                    pte = Set(pte, Lpae.Contig, (flags & Lpae.PageContig) != 0);
                }
                arch.WritePteVirt(m, entry, pte);
            }
        }
        XenUnmapTable(table);
        return rc;
    }

    private static ulong Set(ulong pte, ulong bit, bool on) => on ? pte | bit : pte & ~bit;

    /// <summary>xen_pt_mapping_level: level 3 unless _PAGE_BLOCK; then 1 GiB or 2 MiB when (mfn|vfn) is aligned and nr covers it.</summary>
    public static int XenPtMappingLevel(ulong vfn, Mfn mfn, ulong nr, uint flags)
    {
        var mask = (mfn != InvalidMfn ? mfn.Value : 0) | vfn;
        if ((flags & Lpae.PageBlock) == 0) return 3;
        var firstOrder = LevelOrder(1);
        var secondOrder = LevelOrder(2);
        if ((mask & ((1UL << firstOrder) - 1)) == 0 && nr >= 1UL << firstOrder) return 1;
        if ((mask & ((1UL << secondOrder) - 1)) == 0 && nr >= 1UL << secondOrder) return 2;
        return 3;
    }

    /// <summary>xen_pt_check_contig: 16 when block mappings are allowed, enough is left and (mfn|vfn) is aligned to 16 entries.</summary>
    public static int XenPtCheckContig(ulong vfn, Mfn mfn, int level, ulong left, uint flags)
    {
        if ((flags & Lpae.PageBlock) == 0) return 1;
        if (mfn == InvalidMfn) return 1;
        var nrContig = (1UL << LevelOrder(level)) * Xen4KNrContig;
        if (left < nrContig || ((mfn.Value | vfn) & (nrContig - 1)) != 0) return 1;
        return Xen4KNrContig;
    }

    /// <summary>xen_pt_update: W^X, _PAGE_CONTIG and alignment refusals, then the mapping loop; no flush for an insertion.</summary>
    [System.Runtime.BypassReadyToRun] // W3 runs its loop once over every page: profiled mid-loop by the JIT, as without ReadyToRun
    private int XenPtUpdate(VirtAddr virt, Mfn mfn, ulong nrMfns, uint flags)
    {
        var vfn = virt.Value >> Page.Shift;
        var left = nrMfns;
        var root = m.Root.ToMfn(); // THIS_CPU_PGTABLE

        if ((flags & Lpae.PagePresent) != 0 && !Lpae.PageRoMask(flags) && !Lpae.PageXnMask(flags))
        {
            Fail("Mappings should not be both Writeable and Executable.");
            return -Errno.EINVAL;
        }
        if ((flags & Lpae.PageContig) != 0)
        {
            Fail("_PAGE_CONTIG is an internal only flag.");
            return -Errno.EINVAL;
        }
        if (virt.PageOffset != 0)
        {
            Fail("The virtual address is not aligned to the page-size.");
            return -Errno.EINVAL;
        }

        using var hook = m.Hook("xen_pt_update", virt);
        var rc = 0;
        while (left != 0)
        {
            var level = XenPtMappingLevel(vfn, mfn, left, flags);
            var order = LevelOrder(level);
            m.Assert(left >= 1UL << order, "left >= BIT(order, UL)", "xen_pt_update");
            var nrContig = XenPtCheckContig(vfn, mfn, level, left, flags);
            var newFlags = flags | (nrContig > 1 ? Lpae.PageContig : 0);
            for (; nrContig > 0; nrContig--)
            {
                rc = XenPtUpdateEntry(root, new VirtAddr(vfn << Page.Shift), mfn, level, newFlags);
                if (rc != 0) break;
                vfn += 1UL << order;
                if (mfn != InvalidMfn) mfn = mfn.Add(1UL << order);
                left -= 1UL << order;
            }
            if (rc != 0) break;
        }

        var insertion = (flags & Lpae.PagePresent) != 0 && mfn != InvalidMfn;
        if (!insertion)
        {
            // flush_xen_tlb_range_va: the broadcast flush (tlbi vae2is), here reaching the one CPU there is.
            arch.FlushXenTlbRangeVa(m, virt, Page.Size * nrMfns);
        }
        else if (arch.ArmProfile.IsbAfterPtUpdate)
        {
            m.ContextSynchronize(arch.Port.Isa.Isb); // c16460ff07 (4.18)
        }
        return rc;
    }
}
