using Pmap.Arch.Arm;
using Pmap.Core;
using Pmap.Core.Arch;
using Pmap.Core.Machine;
using Pmap.Core.Scenarios;

namespace Pmap.Arch.Arm64.Tests;

/// <summary>The early-boot scenario: setup_directmap_mappings through PMAP (RELEASE-4.17.0 arch/arm/mm.c).</summary>
public class Arm64BootTests
{
    private static (XenMachine M, BootReport R) Boot(string profile, ulong ramBase, ulong ramSize)
    {
        var bank = new RamBank(new PhysAddr(ramBase), ramSize);
        var m = new Arm64Architecture().Create(ArchSettings.For(profile)).Boot(new MachineOptions { Ram = [bank], TraceEnabled = false });
        return (m, BootScenario.Run(m, bank));
    }

    [Theory]
    [InlineData("xen-4.17", 12)]
    [InlineData("upstream", 12)]
    public void A_1G_aligned_2G_bank_is_two_1G_blocks_under_one_new_table(string profile, int tables)
    {
        // Bank 0x40000000 + 2 GiB is 1 GiB aligned, so directmap_virt_start = DIRECTMAP_VIRT_START (SLOT0(256)) and
        // xen_pt_mapping_level picks level 1 twice; contiguous would need 16 GiB. The one new directmap table is the level-1
        // table under xen_pgtable[256]; the blocks live in it. The boot's other tables: the frame table's level-2 table
        // (setup_frametable_mappings; from 4.22 init_frametable, whose one chunk lands in it too) and the VMAP's level-2 table with
        // its nine level-3 tables (vm_init, the ioremaps, the image's vmap for alternatives, the maptrack).
        var (m, r) = Boot(profile, 0x40000000, 2UL << 30);
        Assert.Equal(0x0000800000000000UL, r.Mapped.Va.Value);
        Assert.Equal(524288UL, r.VerifiedPages);
        Assert.Null(r.FirstMismatch);
        Assert.Equal(tables, r.TablesAllocated);
        Assert.Equal(2, r.Mappings["1G"]);
        Assert.Equal(0, r.Mappings["2M"]);
        Assert.Equal(0, r.Mappings["4K"]);
        Assert.Equal(0, r.Contiguous);
        Assert.Equal(2, r.MaxPmapSlotsInUse); // the table being walked + the new table being cleared
        Assert.Equal(0, r.PmapSlotsInUseAfter);
        // alloc_boot_pages hands out the top frame of the bank first.
        Assert.Equal(0xBFFFFUL, Lpae.GetMfn(m.Memory.Read64(m.Cpu.Root.Add(256 * 8))).Value);
    }

    [Fact]
    public void A_3G_bank_at_0x40200000_uses_2M_blocks_contiguous_runs_and_1G_blocks()
    {
        // directmap_virt_start = SLOT0(256) + 0x200000 keeps VA and PA congruent modulo 1 GiB.
        // PA 0x40200000..0x42000000: 15 single 2 MiB blocks until (mfn|vfn) is 32 MiB aligned;
        // 0x42000000..0x80000000: 31 runs of 16 contiguous 2 MiB blocks (496 entries with the contiguous bit);
        // 0x80000000..0x100000000: two 1 GiB blocks; 0x100000000..0x100200000: one 2 MiB block (16 would need 32 MiB).
        // Tables: the level-1 table, the level-2 table of VA GiB 0 and the level-2 table of VA GiB 3; then the frame table's
        // level-2 table and the VMAP's eleven tables as in the 2 GiB case (3 + 1 + 10).
        var (_, r) = Boot("xen-4.17", 0x40200000, 3UL << 30);
        Assert.Equal(0x0000800000200000UL, r.Mapped.Va.Value);
        Assert.Equal(786432UL, r.VerifiedPages);
        Assert.Null(r.FirstMismatch);
        Assert.Equal(2, r.Mappings["1G"]);
        Assert.Equal(15 + 496 + 1, r.Mappings["2M"]);
        Assert.Equal(0, r.Mappings["4K"]);
        Assert.Equal(496, r.Contiguous);
        Assert.Equal(14, r.TablesAllocated);
        Assert.Equal(0, r.PmapSlotsInUseAfter);
        Assert.Equal(2, r.MaxPmapSlotsInUse);
    }

    [Fact]
    public void Pages_outside_the_bank_fault()
    {
        var (m, r) = Boot("xen-4.17", 0x40000000, 64UL << 20);
        Assert.Equal(16384UL, r.VerifiedPages);
        Assert.Equal(32, r.Mappings["2M"]); // 64 MiB: two contiguous runs of 16
        Assert.Equal(32, r.Contiguous);
        Assert.NotNull(m.WalkFast(r.Mapped.Va.Add((64UL << 20) - 1), out _, out _, out _));
        Assert.Null(m.WalkFast(r.Mapped.Va.Add(64UL << 20), out _, out _, out _));
    }

    [Fact]
    public void Every_table_page_is_reached_through_pmap_only()
    {
        var bank = new RamBank(new PhysAddr(0x40000000), 4UL << 20);
        var m = new Arm64Architecture().Create(ArchSettings.For("xen-4.17")).Boot(new MachineOptions { Ram = [bank] });
        BootScenario.Run(m, bank);
        var writes = m.Trace.Events.Where(e => e.Kind == TraceKind.PteWrite && e.Table != "xen_fixmap").ToList();
        Assert.NotEmpty(writes);
        // Each PTE write into a page-table page in early boot (up to the last pmap_unmap) happened while that page was mapped
        // through a PMAP slot; after it (SYS_STATE_boot: vm_init and the VMAP) tables are reached through the directmap.
        var fixmapWrites = m.Trace.Events.Where(e => e.Kind == TraceKind.PteWrite && e.Table == "xen_fixmap").ToList();
        var mapped = new HashSet<ulong>();
        var lastUnmap = m.Trace.Events.ToList().FindLastIndex(e => e.Kind == TraceKind.Unmap);
        foreach (var e in m.Trace.Events.Take(lastUnmap + 1))
        {
            if (e.Kind == TraceKind.PteWrite && e.Table == "xen_fixmap")
            {
                if (e.New != 0) mapped.Add(Lpae.GetMfn(e.New!.Value).Value);
                else mapped.Remove(Lpae.GetMfn(e.Old!.Value).Value);
            }
            else if (e.Kind == TraceKind.PteWrite) Assert.Contains(e.Pa!.Value.ToMfn().Value, mapped);
        }
        var earlyWrites = m.Trace.Events.Take(lastUnmap + 1).Count(e => e.Kind == TraceKind.PteWrite && e.Table != "xen_fixmap");
        Assert.True(fixmapWrites.Count > earlyWrites);
        Assert.DoesNotContain(m.Trace.Events.Skip(lastUnmap + 1), e => e.Kind is TraceKind.Map or TraceKind.Unmap);
    }

    [Fact]
    public void Xen_refuses_to_replace_a_valid_entry_and_to_shatter_a_superpage()
    {
        var bank = new RamBank(new PhysAddr(0x40000000), 2UL << 30);
        var m = new Arm64Architecture().Create(ArchSettings.For("xen-4.17")).Boot(new MachineOptions { Ram = [bank] });
        var model = (Arm64Model)m.Arch;
        var pt = new XenPageTables(model, m);
        var va = new VirtAddr(0x0000900000000000);
        Assert.Equal(0, pt.MapPagesToXen(va, new Mfn(0x50000), 1, Lpae.PageHypervisorRw));
        Assert.Equal(-Errno.EINVAL, pt.MapPagesToXen(va, new Mfn(0x50001), 1, Lpae.PageHypervisorRw));
        Assert.Equal("Changing MFN for a valid entry is not allowed (0x50000 -> 0x50001).", m.LastMessage);

        Assert.Equal(0, pt.MapPagesToXen(new VirtAddr(0x0000A00000000000), new Mfn(0x40000), 1UL << 18, Lpae.PageHypervisorRw | Lpae.PageBlock));
        Assert.Equal(-Errno.EOPNOTSUPP, pt.MapPagesToXen(new VirtAddr(0x0000A00000001000), new Mfn(0x60000), 1, Lpae.PageHypervisorRw));
        Assert.Equal("xen_pt_update_entry: Shattering superpage is not supported", m.LastMessage);

        Assert.Equal(-Errno.EINVAL, pt.MapPagesToXen(va, new Mfn(0x50000), 1, Lpae.PageNormal)); // neither RO nor XN
        Assert.Equal("Mappings should not be both Writeable and Executable.", m.LastMessage);
        Assert.Equal(0, m.Pmap.InUse);
    }

    [Theory]
    [InlineData(Lpae.PageHypervisorRw, 0x0040000012345F7FUL)] // AI 7, RW, XN: the same value as the PMAP entry
    [InlineData(Lpae.PageHypervisorRo, 0x0040000012345FFFUL)] // + AP[2] (0x80)
    [InlineData(Lpae.PageHypervisorRx, 0x0000000012345FFFUL)] // read-only, executable: XN clear
    [InlineData(Lpae.PageHypervisorNocache, 0x0040000012345E73UL)] // AI 4 (device nGnRE), SH outer
    [InlineData(Lpae.PageHypervisorWc, 0x0040000012345E67UL)] // AI 1 (normal NC), SH outer
    public void Four_k_leaves_carry_the_flags_xen_pt_update_entry_sets(uint flags, ulong expected)
    {
        var m = new Arm64Architecture().Create(ArchSettings.For("xen-4.17")).Boot();
        var va = new VirtAddr(0x0000900000000000);
        Assert.Equal(0, new XenPageTables((Arm64Model)m.Arch, m).MapPagesToXen(va, new Mfn(0x12345), 1, flags));
        var walk = m.WalkDetailed(va);
        Assert.Equal(expected, walk.LeafEntry);
    }

    /// <summary>
    /// 16 TiB needs a 224 GiB frame table: 4.17 maps it past FRAMETABLE_SIZE (32 GiB) unchecked; from 93017efd7c (4.18)
    /// setup_frametable_mappings panics, and from 10d417b8b6 (4.22) init_frametable (arch/arm/mmu/mm.c).
    /// </summary>
    [Theory]
    [InlineData("xen-4.17.7", null)]
    [InlineData("xen-4.18.6", "The frametable cannot cover the physical region 0x00000040000000 - 0x00100040000000")]
    [InlineData("xen-4.22.0", "Frametable too small")]
    public void A_frame_table_beyond_FRAMETABLE_SIZE_panics_from_4_18(string profile, string? panic)
    {
        var bank = new RamBank(new PhysAddr(0x40000000), 16UL << 40);
        var (_, _, crash) = BootScenario.Boot(new Arm64Architecture().Create(ArchSettings.For(profile)), bank);
        Assert.Equal(panic, crash?.XenText);
        if (panic is not null) Assert.IsType<XenPanicException>(crash);
    }
}
