
namespace Pmap.Arch.RiscV;

/// <summary>
/// Xen's RISC-V pt.c in early boot: pt_update → pt_mapping_level / pt_update_entry → pt_next_level /
/// create_table, tables reached through map_table = pmap_map. Leaves get A and D set; tables are PTE_TABLE.
/// </summary>
internal sealed class RiscVPageTables(RiscVModel arch, IXenMachine m)
{
    private const int EINVAL = 22, ENOENT = 2, EEXIST = 17;

    /// <summary>pt_mapping_level: the largest level whose size (mfn|vfn) is aligned to and nr covers, unless PTE_SMALL.</summary>
    private static int MappingLevel(ulong vfn, Mfn mfn, ulong nr, bool superpages)
    {
        if (!superpages) return 0;
        var mask = mfn.Value | vfn;
        for (var level = 2; level != 0; level--)
        {
            var order = 9 * level;
            if ((mask & ((1UL << order) - 1)) == 0 && nr >= 1UL << order) return level;
        }
        return 0;
    }

    public int PtUpdate(VirtAddr virt, Mfn mfn, ulong nr, ulong flags, bool superpages)
    {
        if ((flags & Sv39Pte.V) != 0 && (flags & Sv39Pte.W) != 0 && (flags & Sv39Pte.X) != 0)
        {
            m.Printk("Mappings should not be both Writeable and Executable");
            return -EINVAL;
        }
        if (virt.PageOffset != 0)
        {
            m.Printk("The virtual address is not aligned to the page-size");
            return -EINVAL;
        }
        using var hook = m.Hook("pt_update", virt);
        var vfn = virt.PageNumber;
        var rc = 0;
        while (nr != 0)
        {
            var level = MappingLevel(vfn, mfn, nr, superpages);
            rc = PtUpdateEntry(new VirtAddr(vfn << Page.Shift), mfn, level, flags);
            if (rc != 0) break;
            var pages = 1UL << (9 * level);
            vfn += pages;
            mfn = mfn.Add(pages);
            nr -= pages;
        }
        // RISCV_FENCE(rw, rw) "fence rw,rw" (pt.c:384 in 4.20, :485 in 4.21+), then always flush_tlb_range_va(0, 0) (:400 / :501):
        // sbi_remote_sfence_vma(NULL, 0, 0), an SBI RFENCE to every hart over the whole address space (invalid entries may be cached).
        m.Barrier(RiscVRules.FenceRwRw);
        m.FlushTlbAll(RiscVRules.SbiRemoteSfenceVma);
        return rc;
    }

    private int PtUpdateEntry(VirtAddr va, Mfn mfn, int target, ulong flags)
    {
        var table = m.PmapMap(m.Root.ToMfn());
        for (var level = 2; level > target; level--)
        {
            var entry = table.Add((ulong)arch.Format.Index(va, level) * 8);
            var e = m.ReadVirt64(entry);
            if (!Sv39Pte.IsValid(e))
            {
                // create_table: a boot page, mapped, cleared, unmapped, then linked with PTE_TABLE.
                var t = m.AllocTablePage(level - 1);
                var p = m.PmapMap(t);
                m.ClearPageVirt(p);
                m.PmapUnmap(p);
                e = Sv39Pte.FromMfn(t, Sv39Pte.PteTable);
                m.WritePteVirt(entry, e, RiscVRules.Sd);
            }
            if (!Sv39Pte.IsTable(e))
            {
                m.PmapUnmap(table);
                m.Printk($"pt_update_entry: {va} is inside a superpage at level {level}");
                return -ENOENT;
            }
            m.PmapUnmap(table); // pt_next_level unmaps this table before mapping the next
            table = m.PmapMap(Sv39Pte.GetMfn(e));
        }
        var leaf = table.Add((ulong)arch.Format.Index(va, target) * 8);
        var rc = 0;
        if (Sv39Pte.IsValid(m.ReadVirt64(leaf)))
        {
            m.Printk($"pt_check_entry: changing a valid entry at {va} is not allowed");
            rc = -EEXIST;
        }
        else m.WritePteVirt(leaf,
            Sv39Pte.FromMfn(mfn, Sv39Pte.V) | (flags & (Sv39Pte.R | Sv39Pte.W | Sv39Pte.X | Sv39Pte.U | Sv39Pte.G)) | Sv39Pte.A | Sv39Pte.D, RiscVRules.Sd);
        m.PmapUnmap(table);
        return rc;
    }
}
