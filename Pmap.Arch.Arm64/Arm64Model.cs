using Pmap.Arch.Arm;

namespace Pmap.Arch.Arm64;

/// <summary>
/// Xen on Arm64 at EL2: 4 levels (HYP_PT_ROOT_LEVEL 0), 48-bit VA in TTBR0_EL2, 48-bit PA,
/// write_pte with <c>str</c>, local TLB invalidation with <c>tlbi vae2</c> (VA &gt;&gt; 12).
/// </summary>
public sealed partial class Arm64Model(ArchSettings settings, ArmProfile profile) : ArmModel(settings, profile, ArmPorts.Arm64), ILitmusWriter
{
    /// <inheritdoc/>
    public string LitmusModel => "herd7's AArch64 VMSA model (herd7 -variant vmsa)";

    /// <inheritdoc/>
    public string Litmus(string name, LitmusShape shape, IReadOnlyList<Instruction> steps) => Arm64Litmus.Write(name, shape, steps);

    /// <summary>SLOT0(256): DIRECTMAP_VIRT_START (arm64 asm/config.h).</summary>
    public static readonly VirtAddr DirectmapStart = new(256UL << 39);

    public override VirtAddr? DirectmapVirtStart => DirectmapStart;

    public override VerificationTarget Oracle => Arm64Oracle.Target;

    /// <summary>
    /// setup_directmap_mappings (4.17 arch/arm/mm.c, arm64): the first bank fixes directmap_virt_start =
    /// DIRECTMAP_VIRT_START + (base_mfn - mfn_gb) × PAGE_SIZE, so VA and PA share their offset in 1 GiB and
    /// superpages stay possible; then map_pages_to_xen(.., PAGE_HYPERVISOR_RW | _PAGE_BLOCK), panicking on error.
    /// </summary>
    public override DirectmapMapping SetupDirectmapMappings(IXenMachine m, RamBank bank)
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
