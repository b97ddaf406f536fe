namespace Pmap.Port;

/// <summary>A leaf access check beyond validity (RISC-V Svade: A or D clear faults): the reason it faults, or null.</summary>
public delegate string? LeafAccessCheck(ulong leafEntry, int level, bool write);

/// <summary>
/// An architecture configured with one profile: the facts Core needs to run pmap.c, walk tables and boot.
/// A port states only its facts; the mechanism (bitmap, walk, TLB, trace) is Core's, and what is displayed
/// about a port (its instructions, the PTE it writes) is read off what its hooks do.
/// </summary>
/// <param name="settings">The configuration this model was built with (profile, NUM_FIX_PMAP, debug).</param>
/// <param name="name">The architecture's name (arm64).</param>
/// <param name="format">The radix-tree shape: levels, VA and PA bits.</param>
/// <param name="codec">The entry format: Xen's lpae_t, x86's l1_pgentry_t, RISC-V's pte_t.</param>
public abstract class ArchModel(ArchSettings settings, string name, PageTableFormat format, IPteCodec codec)
{
    /// <summary>The settings this model was built with.</summary>
    public ArchSettings Settings { get; } = settings;
    /// <summary>The profile (Xen revision) modelled.</summary>
    public string Profile => Settings.Profile;
    /// <summary>A debug build of Xen: ASSERTs are evaluated.</summary>
    public bool Debug => Settings.Debug;

    /// <summary>The architecture's name (arm64).</summary>
    public string Name => name;
    /// <summary>The radix-tree shape: levels, VA and PA bits.</summary>
    public PageTableFormat Format => format;
    /// <summary>The entry format: classify, output address, decode.</summary>
    public IPteCodec Codec => codec;

    /// <summary>asm/fixmap.h: the slots, FIXADDR_START/TOP, FIX_PMAP_BEGIN/END.</summary>
    public abstract FixmapLayout Fixmap { get; }

    /// <summary>The revision of xen/common/pmap.c the profile runs.</summary>
    public virtual PmapCommonVariant CommonCode => PmapCommonVariant.Upstream;

    /// <summary>BITS_PER_LONG: DECLARE_BITMAP stores whole unsigned longs (64 on arm64, x86 and RV64; 32 on arm32).</summary>
    public virtual int BitsPerLong => 64;

    /// <summary>Whether the TLB may hold invalid ("negative") translations (RISC-V without Svvptc).</summary>
    public virtual bool CachesInvalidEntries => false;

    /// <summary>Whether a new entry is used by later instructions only after a context-synchronising event (Arm: ISB).</summary>
    public virtual bool NewEntriesNeedContextSync => false;

    /// <summary>A check the MMU makes on a leaf it uses beyond validity (RISC-V Svade A/D), or null.</summary>
    public virtual LeafAccessCheck? LeafAccess => null;

    /// <summary>
    /// Whether arch_pmap_map itself stops a frame beyond PADDR_BITS (Arm: the ASSERT in mfn_to_xen_entry); where it
    /// does not (x86, RISC-V), the frame bits would spill into the entry's flags and callers must refuse it.
    /// </summary>
    public virtual bool ChecksFrameWidth => false;

    /// <summary>
    /// The maintenance rules Core checks this port's sequences against. None by default, and a port without rules gets no
    /// verdict: `hazards` says nothing could be checked and conformance fails it.
    /// </summary>
    public virtual MaintenanceRules Maintenance => MaintenanceRules.None;

    /// <summary>The port's instruction vocabulary: every store, barrier and TLB instruction its hooks execute, declared once.</summary>
    public abstract InstructionSet Instructions { get; }

    /// <summary>The RAM bank a plain machine of this architecture has (QEMU virt's, for instance).</summary>
    public abstract RamBank DefaultRam { get; }

    /// <summary>Xen's image: kept out of the boot allocator, holding the static page tables.</summary>
    public abstract XenImage Image { get; }

    /// <summary>Builds Xen's static page tables in simulated memory and sets the CPU's root (setup_pagetables / head.S).</summary>
    public abstract void SetupPageTables(IXenMachine m);

    /// <summary>asm/pmap.h arch_pmap_map(slot, mfn).</summary>
    public abstract void ArchPmapMap(IXenMachine m, int slot, Mfn mfn);

    /// <summary>asm/pmap.h arch_pmap_unmap(slot).</summary>
    public abstract void ArchPmapUnmap(IXenMachine m, int slot);

    /// <summary>
    /// The early-boot mapping of a RAM bank (setup_directmap_mappings / the xenheap on arm32), through
    /// map_pages_to_xen with page-table pages reached through PMAP. Returns what was mapped.
    /// </summary>
    public abstract DirectmapMapping SetupDirectmapMappings(IXenMachine m, RamBank bank);

    /// <summary>
    /// What start_xen maps in early boot before setup_directmap_mappings (Arm: early_fdt_map of the boot FDT the loader placed
    /// in <paramref name="bank"/>), through PMAP; empty when the port does not model it.
    /// </summary>
    public virtual IReadOnlyList<XenBootMapping> MapsBeforeDirectmap(IXenMachine m, RamBank bank) => [];

    /// <summary>
    /// What start_xen maps in early boot after setup_directmap_mappings (Arm: setup_frametable_mappings), through PMAP; empty
    /// when the port does not model it.
    /// </summary>
    public virtual IReadOnlyList<XenBootMapping> MapsAfterDirectmap(IXenMachine m, RamBank bank) => [];

    /// <summary>
    /// What start_xen maps once system_state is SYS_STATE_boot, up to the panic of a boot without dom0 (Arm64: vm_init's VMAP,
    /// the ioremaps, the mappings made and torn down), tables reached through map_domain_page; null when the port models nothing
    /// past early boot (its machine then stays in early_boot).
    /// </summary>
    public virtual IReadOnlyList<XenBootMapping>? MapsInBoot(IXenMachine m, RamBank bank) => null;

    /// <summary>
    /// map_pages_to_xen(virt, mfn, nr, PAGE_HYPERVISOR_RW), with the architecture's superpage flag when
    /// <paramref name="superpages"/> (Arm _PAGE_BLOCK); in early boot, tables reached through PMAP.
    /// Returns Xen's rc: 0 or a negative errno.
    /// </summary>
    public virtual int MapPagesToXen(IXenMachine m, VirtAddr virt, Mfn mfn, ulong nr, bool superpages) =>
        throw new NotSupportedException($"{Name} does not model map_pages_to_xen");

    /// <summary>
    /// Why the model refuses a RAM bank that Xen would take without a check of its own and then mishandle (a
    /// directmap past the VA range, say), naming the limit; null when the bank is fine or Xen checks it itself.
    /// </summary>
    public virtual string? BankProblem(RamBank bank) => null;

    /// <summary>DIRECTMAP_VIRT_START, when the architecture has a directmap.</summary>
    public virtual VirtAddr? DirectmapVirtStart => null;

    /// <summary>Xen's named virtual regions besides the fixmap, the image and the directmap, for naming what is mapped there.</summary>
    public virtual IReadOnlyList<XenVirtualRegion> VirtualRegions => [];

    /// <summary>Statements about the layout worth showing a reader (a dead slot, a known bug of the revision).</summary>
    public virtual IReadOnlyList<string> Notes => [];

    /// <summary>How `pmap verify` checks this port against a real MMU (QEMU target, regime registers); null: it cannot.</summary>
    public virtual VerificationTarget? Oracle => null;

    /// <summary>How Xen prints a walk of one VA on its console (`pmap dump --format xen`); null: this Xen has no such dump.</summary>
    public virtual XenWalkDump? WalkDump => null;

    /// <summary>
    /// Where Xen defines the functions the hooks model, release by release: each timeline is named after the function
    /// (write_pte) and holds its "file:line" from Xen's tags; the port's method of that name (WritePte) issues its
    /// instructions. `pmap map` cites them; a function not listed is named without a place.
    /// </summary>
    public virtual IReadOnlyList<FactTimeline<string>> XenFunctionPlaces => [];

    /// <summary>What of Xen this model leaves out on this architecture (Xen's own image mapping), one phrase each; every view says so.</summary>
    public virtual IReadOnlyList<string> NotModelled => [];
}
