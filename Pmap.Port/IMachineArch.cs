
namespace Pmap.Port;

/// <summary>A leaf access check beyond validity (RISC-V Svade: A or D clear faults): the reason it faults, or null.</summary>
public delegate string? LeafAccessCheck(ulong leafEntry, int level, bool write);

/// <summary>
/// What the machine and pmap.c need of an architecture: its formats, the hooks pmap.c calls, and the few
/// hardware facts that change what a translation may see. An architecture's model provides it.
/// </summary>
public interface IMachineArch
{
    /// <summary>The port's --arch name, for naming it in its faults.</summary>
    string Name { get; }
    /// <summary>The radix-tree shape: levels, VA and PA bits.</summary>
    PageTableFormat Format { get; }
    /// <summary>The entry format the walker reads.</summary>
    IPteCodec Codec { get; }
    /// <summary>Where the fixmap and its PMAP slots are.</summary>
    FixmapLayout Fixmap { get; }
    /// <summary>The pmap.c revision this profile runs.</summary>
    PmapCommonVariant CommonCode { get; }

    /// <summary>A debug build of Xen: ASSERTs are evaluated.</summary>
    bool Debug { get; }

    /// <summary>BITS_PER_LONG: the word DECLARE_BITMAP stores the PMAP bitmap in.</summary>
    int BitsPerLong { get; }

    /// <summary>Whether the TLB may hold invalid ("negative") translations (RISC-V without Svvptc).</summary>
    bool CachesInvalidEntries { get; }

    /// <summary>Whether a new entry is used by later instructions only after a context-synchronising event (Arm: ISB).</summary>
    bool NewEntriesNeedContextSync { get; }

    /// <summary>A check the MMU makes on a leaf it uses, or null when there is none.</summary>
    LeafAccessCheck? LeafAccess { get; }

    /// <summary>The architecture's translation-table maintenance rules.</summary>
    MaintenanceRules Maintenance { get; }

    /// <summary>The instructions its hooks execute, each with its kind and effect: the machine refuses any other.</summary>
    InstructionSet Instructions { get; }

    /// <summary>asm/pmap.h arch_pmap_map(slot, mfn).</summary>
    void ArchPmapMap(IXenMachine m, int slot, Mfn mfn);

    /// <summary>asm/pmap.h arch_pmap_unmap(slot).</summary>
    void ArchPmapUnmap(IXenMachine m, int slot);
}
