using Pmap.Arch.Arm;
using Pmap.Core;
using Pmap.Core.Arch;
using Pmap.Core.Machine;
using Pmap.Core.Paging;

namespace Pmap.Arch.Arm64;

/// <summary>
/// Xen on Arm64 at EL2: 4 levels (HYP_PT_ROOT_LEVEL 0), 48-bit VA in TTBR0_EL2, 48-bit PA,
/// write_pte with <c>str</c>, local TLB invalidation with <c>tlbi vae2</c> (VA &gt;&gt; 12).
/// </summary>
public sealed class Arm64Model(ArchSettings settings, ArmProfile profile) : ArmModel(settings, profile, Facts)
{
    /// <summary>
    /// VMSAv8-64 at EL2 (HYP_PT_ROOT_LEVEL 0), str, tlbi vae2; QEMU virt's 2 GiB at 0x40000000 with Xen 2 MiB aligned low in it;
    /// the image of Debian's 4.17.7 arm64 build.
    /// </summary>
    public static readonly ArmPort Facts = new(Arm64Architecture.ArchName, new(RootLevel: 0, LeafLevel: 3, VaBits: 48, PaBits: 48, VaRange.ZeroExtended),
        new LpaeCodec(firstLevel: 0), "str", "tlbi vae2", "tlbi vae2is", Page.Shift,
        new(new PhysAddr(0x40000000), 2UL << 30), new(0x40200000), ["xen_pgtable", "xen_first", "xen_second"],
        ArmImageLayout.Debian417Arm64);

    /// <summary>SLOT0(256): DIRECTMAP_VIRT_START (arm64 asm/config.h).</summary>
    public static readonly VirtAddr DirectmapStart = new(256UL << 39);

    public override VirtAddr? DirectmapVirtStart => DirectmapStart;

    /// <summary>
    /// setup_directmap_mappings (4.17 arch/arm/mm.c, arm64): the first bank fixes directmap_virt_start =
    /// DIRECTMAP_VIRT_START + (base_mfn - mfn_gb) × PAGE_SIZE, so VA and PA share their offset in 1 GiB and
    /// superpages stay possible; then map_pages_to_xen(.., PAGE_HYPERVISOR_RW | _PAGE_BLOCK), panicking on error.
    /// </summary>
    public override DirectmapMapping SetupDirectmapMappings(XenMachine m, RamBank bank)
    {
        var baseMfn = bank.Base.ToMfn().Value;
        var nr = bank.Size >> Page.Shift;
        const ulong firstSizePages = 1UL << (30 - Page.Shift);
        var mfnGb = baseMfn & ~(firstSizePages - 1);
        var va = DirectmapStart.Add((baseMfn - mfnGb) << Page.Shift);
        var rc = MapPagesToXen(m, va, new Mfn(baseMfn), nr, superpages: true);
        if (rc != 0) throw new XenPanicException("Unable to setup the directmap mappings.", "setup_directmap_mappings", "arch/arm/mm.c");
        return new DirectmapMapping(va, bank.Base, nr);
    }
}
