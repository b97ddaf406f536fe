using Pmap.Arch.Arm;

namespace Pmap.Arch.Arm64;

/// <summary>
/// start_xen's early_boot mappings around setup_directmap_mappings (4.17 arch/arm/setup.c and mm.c; later releases as each
/// timeline says): from 4.18 switch_ttbr's identity map, early_fdt_map right after setup_pagetables, and setup_mm's frame table
/// after the directmap, from 4.19 vm_init, all through map_pages_to_xen with every table reached through PMAP (system_state is
/// still early_boot).
/// </summary>
public sealed partial class Arm64Model
{
    /// <summary>sizeof(struct page_info) on arm64 (asm/mm.h: list 16, count_info 8, u 8, v 8, tlbflush_timestamp 4 + 4, pad 8).</summary>
    public const ulong PageInfoSize = 56;

    protected override ulong PageInfoBytes => PageInfoSize;

    protected override ulong FrametableVirtSize => FrametableSize;

    /// <summary>FRAMETABLE_VIRT_START: 32 GiB into Xen's first 512 GiB slot (SLOT0(0) in 4.17, XEN_VM_MAPPING later).</summary>
    public override VirtAddr FrametableVirtStart => new(ArmProfile.XenVirtStart - (2UL << 20) + (32UL << 30));

    /// <summary>
    /// fdt_totalsize of the device tree QEMU 7.2 (Debian 12) loads for pmap's virt machine with its bootargs, as read from the
    /// FDT header in a booted guest at 1 to 4 GiB: boot_fdt_info keeps that much at fdt_paddr out of the boot allocator
    /// (BOOTMOD_FDT), so Xen's heap starts at the next page after it. Another QEMU's tree may differ in size.
    /// </summary>
    public const ulong QemuVirtFdtSize = 0x8a22;

    /// <summary>
    /// From 4.18 the boot tables and switch_ttbr first (<see cref="BootTablesUntilSwitchTtbr"/>); then early_fdt_map(fdt_paddr):
    /// the 2 MiB around the FDT at BOOT_FDT_VIRT_START, PAGE_HYPERVISOR_RO | _PAGE_BLOCK. The second block, for a tree crossing
    /// the first 2 MiB, is not needed: the loader's tree starts 2 MiB aligned and is far smaller. The tree itself
    /// (<see cref="QemuVirtFdtSize"/> bytes) is kept out of the boot allocator.
    /// </summary>
    public override IReadOnlyList<XenBootMapping> MapsBeforeDirectmap(IXenMachine m, RamBank bank)
    {
        var basePaddr = FdtBlock(bank);
        BootTablesUntilSwitchTtbr(m, basePaddr);
        var fdt = EarlyFdtMap(m, basePaddr);
        // boot_fdt_info: add_boot_module(BOOTMOD_FDT, fdt_paddr, fdt_totalsize), which populate_boot_allocator skips.
        m.ReserveBootPages(FdtPaddr(bank), FdtPaddr(bank).Add(QemuVirtFdtSize));
        return [fdt];
    }

    /// <summary>
    /// setup_mm's frame table, then from 2213b5a293 (4.19) vm_init, both in early boot. Until 4.21 setup_frametable_mappings(ram_start,
    /// ram_end): nr_pdxs × sizeof(struct page_info) rounded up to 2 MiB (under 32 MiB) or 32 MiB, alloc_boot_pages(size, 32 MiB of
    /// frames), map_pages_to_xen at FRAMETABLE_VIRT_START, PAGE_HYPERVISOR_RW | _PAGE_BLOCK; from 10d417b8b6 (4.22) init_frametable.
    /// One bank: the PDX of every frame is its MFN (no hole to compress).
    /// </summary>
    public override IReadOnlyList<XenBootMapping> MapsAfterDirectmap(IXenMachine m, RamBank bank)
    {
        var made = new List<XenBootMapping>
        {
            SetupFrametable(m, bank),
        };
        _earlyVmap = null;
        if (VmInitInEarlyBoot.Of(ArmProfile.Release.Release).Value)
        {
            var vmap = NewVmap(m, bank);
            vmap.VmInit();
            made.AddRange(vmap.Made);
            vmap.Made.Clear();
            _earlyVmap = (m, vmap);
        }
        return made;
    }
}
