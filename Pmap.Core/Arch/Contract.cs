using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pmap.Core.Machine;

namespace Pmap.Core.Arch;

/// <summary>The version of this contract. A plugin reports the value it was compiled against.</summary>
public static class PmapContract
{
    public const int Version = 1;
}

/// <summary>
/// A plugin's entry type: one public class with a parameterless constructor. It registers its
/// <see cref="IArchitecture"/> implementations (e.g. <c>services.AddSingleton&lt;IArchitecture, MyArch&gt;()</c>).
/// </summary>
public interface IArchitecturePlugin
{
    /// <summary>Return <see cref="PmapContract.Version"/>: being a const, it is baked in when the plugin is compiled.</summary>
    int ContractVersion { get; }

    void ConfigureServices(IServiceCollection services, IConfiguration configuration);
}

/// <summary>An architecture a plugin provides: its names and a factory for configured models.</summary>
public interface IArchitecture
{
    /// <summary>Lower-case name used by --arch and configuration (arm64, x86).</summary>
    string Name { get; }
    string Description { get; }
    IReadOnlyList<string> Profiles { get; }
    string DefaultProfile { get; }

    /// <summary>Builds the model for these settings; throws <see cref="PmapConfigurationException"/> on bad settings.</summary>
    ArchModel Create(ArchSettings settings);
}

/// <summary>What a model is configured with: profile, PMAP size, debug build, and the architecture's own section.</summary>
public sealed record ArchSettings(string Profile, int NumFixPmap, bool Debug, IConfiguration Section)
{
    /// <summary>Where Xen's image (with its static page tables) is loaded, when a caller decides it (the workloads do).</summary>
    public PhysAddr? XenLoadAddress { get; init; }

    /// <summary>The load address: <see cref="XenLoadAddress"/>, else the section's XenLoadAddress key, else the port's default.</summary>
    public PhysAddr LoadAddress(PhysAddr defaultValue, ulong alignment) =>
        XenLoadAddress ?? new PhysAddr(GetAddress("XenLoadAddress", defaultValue.Value, alignment));

    public static IConfiguration EmptySection { get; } = new ConfigurationBuilder().Build();

    public static ArchSettings For(string profile, int numFixPmap = 8, bool debug = true, IConfiguration? section = null) =>
        new(profile, numFixPmap, debug, section ?? EmptySection);

    /// <summary>Reads a boolean architecture option, refusing values that are not true/false.</summary>
    public bool GetBool(string key, bool defaultValue) => Section[key] switch
    {
        null => defaultValue,
        var s when bool.TryParse(s, out var b) => b,
        var s => throw new PmapConfigurationException(key, $"'{s}' is not true or false"),
    };

    /// <summary>Reads an address option (0x hex or decimal) that must be a multiple of <paramref name="alignment"/>.</summary>
    public ulong GetAddress(string key, ulong defaultValue, ulong alignment)
    {
        var s = Section[key];
        if (s is null) return defaultValue;
        if (!Hex.TryParseNumber(s, out var v) || v % alignment != 0)
            throw new PmapConfigurationException(key, $"'{s}' is not an address aligned to {Hex.Format(alignment)}");
        return v;
    }

    /// <summary>Reads a whole-number architecture option within [min, max].</summary>
    public int GetInt(string key, int defaultValue, int min, int max)
    {
        var s = Section[key];
        if (s is null) return defaultValue;
        if (!int.TryParse(s, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var v) || v < min || v > max)
            throw new PmapConfigurationException(key, $"'{s}' is not a whole number from {min} to {max}");
        return v;
    }
}

/// <summary>Which revision of xen/common/pmap.c runs on top of the architecture.</summary>
public sealed record PmapCommonVariant(
    string Name,
    string BeginName,
    string EndName,
    bool AssertNotInIrq,
    int? BitmapBits,
    bool HasSourceLines)
{
    /// <summary>RELEASE-4.17.0: DECLARE_BITMAP, ASSERT(!in_irq()), Arm's FIXMAP_PMAP_* spelling.</summary>
    public static PmapCommonVariant Release417 { get; } = new("xen-4.17", "FIXMAP_PMAP_BEGIN", "FIXMAP_PMAP_END", true, null, true);

    /// <summary>Today's pmap.c: as 4.17 with the FIX_PMAP_* spelling.</summary>
    public static PmapCommonVariant Upstream { get; } = new("upstream", "FIX_PMAP_BEGIN", "FIX_PMAP_END", true, null, true);

    /// <summary>The v3 patch as posted: local_irq_save/restore, one unsigned long bitmap guarded by BUILD_BUG_ON.</summary>
    public static PmapCommonVariant SeedV3(int bitsPerLong) => new("seed-v3", "FIXMAP_PMAP_BEGIN", "FIXMAP_PMAP_END", false, bitsPerLong, false);

    public string SlotRangeCondition => $"slot >= {BeginName} && slot <= {EndName}";

    /// <summary>"common/pmap.c:NN" for revisions whose line numbers are known.</summary>
    public string? Site(int line) => HasSourceLines ? $"common/pmap.c:{line}" : null;
}

/// <summary>A RAM bank: base and size in bytes.</summary>
public readonly record struct RamBank(PhysAddr Base, ulong Size)
{
    public PhysAddr End => Base.Add(Size);
    public override string ToString() => $"{Base}+{Hex.FormatSize(Size)}";
}

/// <summary>What an architecture's setup_directmap_mappings (or xenheap mapping) decided to map.</summary>
public sealed record DirectmapMapping(VirtAddr Va, PhysAddr Pa, ulong Pages, string? Note = null);

/// <summary>
/// An architecture configured with one profile: everything Core needs to run pmap.c, walk tables and boot.
/// A port states only its facts; the mechanism (bitmap, walk, TLB, trace) is Core's.
/// </summary>
public abstract class ArchModel(ArchSettings settings)
{
    public ArchSettings Settings { get; } = settings;
    public abstract string Name { get; }
    public string Profile => Settings.Profile;
    public abstract PageTableFormat Format { get; }
    public abstract FixmapLayout Fixmap { get; }
    public abstract IPteCodec Codec { get; }
    public abstract PmapCommonVariant CommonCode { get; }

    /// <summary>Whether the TLB may hold invalid ("negative") translations (RISC-V without Svvptc).</summary>
    public virtual bool CachesInvalidEntries => false;

    /// <summary>
    /// Whether a PTE write becomes visible to this CPU's translations only after a context-synchronising
    /// operation (Arm: ISB after the DSB). The model flags a walk that uses such an entry before one.
    /// </summary>
    public virtual bool NewEntriesNeedContextSync => false;

    /// <summary>The instructions arch_pmap_map and arch_pmap_unmap perform, in order (stores by mnemonic).</summary>
    public abstract IReadOnlyList<string> MapOps { get; }
    public abstract IReadOnlyList<string> UnmapOps { get; }

    /// <summary>The RAM bank a plain machine of this architecture has (e.g. QEMU virt's).</summary>
    public abstract RamBank DefaultRam { get; }

    /// <summary>Where Xen's image (and so its static page tables) sits; kept out of the boot allocator.</summary>
    public abstract RamBank XenImage { get; }

    /// <summary>Builds Xen's static page tables in simulated memory and sets the CPU's root (setup_pagetables).</summary>
    public abstract void SetupPageTables(XenMachine m);

    /// <summary>asm/pmap.h arch_pmap_map(slot, mfn).</summary>
    public abstract void ArchPmapMap(XenMachine m, int slot, Mfn mfn);

    /// <summary>asm/pmap.h arch_pmap_unmap(slot).</summary>
    public abstract void ArchPmapUnmap(XenMachine m, int slot);

    /// <summary>The entry arch_pmap_map writes for this MFN (for comparison tables; the model writes the same value).</summary>
    public abstract ulong PmapEntry(Mfn mfn);

    /// <summary>
    /// The early-boot mapping of a RAM bank (setup_directmap_mappings / the xenheap on arm32), through
    /// map_pages_to_xen with page-table pages reached through PMAP. Returns what was mapped.
    /// </summary>
    public abstract DirectmapMapping SetupDirectmapMappings(XenMachine m, RamBank bank);

    /// <summary>
    /// map_pages_to_xen(virt, mfn, nr, PAGE_HYPERVISOR_RW), with the architecture's superpage flag when
    /// <paramref name="superpages"/> (Arm _PAGE_BLOCK); in early boot, tables reached through PMAP.
    /// Returns Xen's rc: 0 or a negative errno.
    /// </summary>
    public virtual int MapPagesToXen(XenMachine m, VirtAddr virt, Mfn mfn, ulong nr, bool superpages) =>
        throw new NotSupportedException($"{Name} does not model map_pages_to_xen");

    /// <summary>Where the directmap (1:1 map of RAM) starts, when the architecture has one.</summary>
    public virtual VirtAddr? DirectmapVirtStart => null;

    /// <summary>Statements about the layout worth showing a reader (e.g. a dead slot).</summary>
    public virtual IReadOnlyList<string> Notes => [];

    /// <summary>The leaf table entry index that backs a fixmap slot, or null when the slot is not in the static table.</summary>
    public virtual int? FixmapEntryIndex(int slot)
    {
        var i = Format.Index(Fixmap.FixToVirt(slot), Format.LeafLevel);
        return i;
    }

    /// <summary>Whether a leaf entry carries a contiguous hint (Arm's Contiguous bit).</summary>
    public virtual bool IsContiguousHint(ulong leafEntry, int level) => false;

    /// <summary>Access check on a leaf beyond validity (e.g. RISC-V Svade A/D). Null: allowed.</summary>
    public virtual string? CheckLeafAccess(ulong leafEntry, int level, bool write) => null;
}
