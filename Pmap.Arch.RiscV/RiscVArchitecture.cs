using Pmap.Core;
using Pmap.Core.Arch;

namespace Pmap.Arch.RiscV;

/// <summary>A RISC-V revision: where FIXMAP_BASE sits.</summary>
public sealed record RiscVProfile(string Name, string Summary, ulong FixmapBase) : IProfile;

/// <summary>
/// RISC-V Sv39 as upstream Xen does it (docs/XEN_FACTS.md). Options (Architectures:riscv): Svvptc (false),
/// AdBehaviour (hardware | svade), MapSfence (true), XenLoadAddress.
/// </summary>
public sealed class RiscVArchitecture() : Architecture<RiscVProfile>(ArchName,
    "RISC-V Sv39: 3 levels, 39-bit canonical VA, 56-bit PA, sfence.vma after map and unmap",
    [
        // FIXMAP_BASE = XEN_VIRT_START + XEN_VIRT_SIZE + GAP + BOOT_FDT_VIRT_SIZE + GAP (asm/config.h).
        new("upstream", "Xen HEAD: XEN_VIRT_SIZE 16 MiB (4.21+)", 0xFFFFFFFFC1800000),
        new("xen-4.20", "RELEASE-4.20: XEN_VIRT_SIZE 2 MiB", 0xFFFFFFFFC0A00000),
    ])
{
    public const string ArchName = "riscv";

    protected override ArchModel Create(ArchSettings settings, RiscVProfile profile) => new RiscVModel(settings, profile);
}

/// <summary>The plugin's entry type.</summary>
public sealed class RiscVPlugin() : ArchitecturePlugin<RiscVArchitecture>(PmapContract.Version);
