using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Pmap.Port;

/// <summary>The version of this contract. A plugin reports the value it was compiled against.</summary>
public static class PmapContract
{
    /// <summary>
    /// 6: the contract is an assembly of its own, Pmap.Port (namespace Pmap.Port), and hooks run on <see cref="IXenMachine"/>
    /// (a plugin built against 5 references Pmap.Core, the engine, which ports no longer see). Compatible additions keep this
    /// number and move the package's minor version; package validation against the released package keeps them compatible.
    /// 5: a closed instruction vocabulary (ArchModel.Instructions, the machine's view of the port): the primitives take a declared
    /// Instruction, not a mnemonic, and ports state their maintenance rules (a plugin built against 4 would call Barrier(string)).
    /// 4: IPteCodec.Fields replaces Decode, which Core now builds from it (a plugin built against 3 lacks Fields).
    /// 3: maintenance rules (ArchModel.Maintenance, the machine's view of the port), XenMachine.Hook, and the primitives take their call
    /// site (a plugin built against 2 would call Barrier(string), which no longer exists). 2: ArchModel without restated operations.
    /// </summary>
    public const int Version = 6;
}

/// <summary>
/// A plugin's entry type: one public class with a parameterless constructor. It registers its
/// <see cref="IArchitecture"/> implementations (e.g. <c>services.AddSingleton&lt;IArchitecture, MyArch&gt;()</c>).
/// </summary>
public interface IArchitecturePlugin
{
    /// <summary>The <see cref="PmapContract.Version"/> the plugin was compiled against.</summary>
    int ContractVersion { get; }

    /// <summary>Registers the plugin's architectures (and any services they need) into the host's container.</summary>
    void ConfigureServices(IServiceCollection services, IConfiguration configuration);
}

/// <summary>
/// The usual entry type: registers one architecture. Pass <see cref="PmapContract.Version"/> from the plugin's
/// own code (<c>: ArchitecturePlugin&lt;MyArch&gt;(PmapContract.Version)</c>) so the compiler bakes in the
/// version the plugin was built against, not the one the host runs.
/// </summary>
public abstract class ArchitecturePlugin<TArchitecture>(int contractVersion) : IArchitecturePlugin
    where TArchitecture : class, IArchitecture
{
    /// <inheritdoc/>
    public int ContractVersion => contractVersion;

    /// <inheritdoc/>
    public virtual void ConfigureServices(IServiceCollection services, IConfiguration configuration) =>
        services.AddSingleton<IArchitecture, TArchitecture>();
}

/// <summary>A named variant of an architecture: one Xen revision (a release, upstream, a posted patch).</summary>
public interface IProfile
{
    /// <summary>The name --profile takes (xen-4.17, upstream).</summary>
    string Name { get; }

    /// <summary>One line on what the profile models.</summary>
    string Summary { get; }
}

/// <summary>An architecture a plugin provides: its names and a factory for configured models.</summary>
public interface IArchitecture
{
    /// <summary>Lower-case name used by --arch and configuration (arm64, x86).</summary>
    string Name { get; }
    /// <summary>One line on what the architecture models.</summary>
    string Description { get; }
    /// <summary>The modelled Xen revisions, the default first.</summary>
    IReadOnlyList<IProfile> Profiles { get; }
    /// <summary>The profile used when none is chosen.</summary>
    string DefaultProfile { get; }

    /// <summary>
    /// Every key the port reads under <c>Architectures:NAME:</c> (besides Profile, which the host reads for every port), with
    /// its type, default and meaning: the host warns about any other key there and refuses a value a declaration does not accept.
    /// </summary>
    IReadOnlyList<ArchOption> Options { get; }

    /// <summary>Builds the model for these settings; throws <see cref="PmapConfigurationException"/> on bad settings.</summary>
    ArchModel Create(ArchSettings settings);
}

/// <summary>An architecture with a fixed list of profiles, the first the default: looks the profile up once for every port.</summary>
public abstract class Architecture<TProfile>(string name, string description, IReadOnlyList<TProfile> profiles) : IArchitecture
    where TProfile : IProfile
{
    /// <inheritdoc/>
    public string Name => name;
    /// <inheritdoc/>
    public string Description => description;
    /// <inheritdoc/>
    public IReadOnlyList<IProfile> Profiles { get; } = profiles.Cast<IProfile>().ToList();
    /// <inheritdoc/>
    public virtual string DefaultProfile => profiles[0].Name;
    /// <inheritdoc/>
    public abstract IReadOnlyList<ArchOption> Options { get; }

    /// <inheritdoc/>
    public ArchModel Create(ArchSettings settings)
    {
        var profile = profiles.FirstOrDefault(p => p.Name == settings.Profile)
            ?? throw new PmapConfigurationException(ArchOptions.ProfileKey,
                $"is not a profile of {name} ({string.Join(", ", profiles.Select(p => p.Name))})", value: settings.Profile);
        // The model reads only what the port declares: an undeclared read is the port's fault, caught at load.
        return Create(settings with { Declared = (name, Options) }, profile);
    }

    /// <summary>The model of this architecture under <paramref name="profile"/>.</summary>
    protected abstract ArchModel Create(ArchSettings settings, TProfile profile);
}

/// <summary>What an architecture's setup_directmap_mappings (or xenheap mapping) decided to map.</summary>
public sealed record DirectmapMapping(VirtAddr Va, PhysAddr Pa, ulong Pages, string? Note = null);

/// <summary>
/// One more mapping start_xen makes in early boot besides the directmap (early_fdt_map, setup_frametable_mappings): the Xen
/// function that made it, where, and how much.
/// </summary>
public sealed record XenBootMapping(string Function, VirtAddr Va, PhysAddr Pa, ulong Pages)
{
    /// <summary>The frames came from Xen's heap (alloc_domheap_page), which the model does not run: they are not Xen's.</summary>
    public bool HeapFrames { get; init; }
}

/// <summary>
/// One of Xen's virtual regions as its asm/config.h names it (VMAP_VIRT_START, FRAMETABLE_VIRT_START, BOOT_FDT_VIRT_START...):
/// <paramref name="Name"/> is the macro of its start, <paramref name="Size"/> its extent.
/// </summary>
public sealed record XenVirtualRegion(string Name, VirtAddr Start, ulong Size)
{
    /// <summary>Whether <paramref name="va"/> lies in the region.</summary>
    public bool Contains(VirtAddr va) => va.Value >= Start.Value && va.Value - Start.Value < Size;
}
