
namespace Pmap.Arch.RiscV;

/// <summary>A RISC-V revision: where FIXMAP_BASE sits.</summary>
public sealed record RiscVProfile(string Name, string Summary, ulong FixmapBase) : IProfile;

/// <summary>
/// RISC-V Sv39 as upstream Xen does it (docs/XEN_FACTS.md); its options are <see cref="RiscVOptions"/>. Profiles: the newest release (the default),
/// upstream, the branch aliases (xen-4.20 = newest 4.20.z), then every release from 4.20.0 up.
/// </summary>
public sealed class RiscVArchitecture() : Architecture<RiscVProfile>(ArchName,
    "RISC-V Sv39: 3 levels, 39-bit canonical VA, 56-bit PA, sfence.vma after map and unmap", Derive()), IReleaseHistory
{
    public const string ArchName = "riscv";

    public IReadOnlyList<ReleaseFacts> Releases { get; } = RiscVReleases.All.Select(r => new ReleaseFacts(r.Release,
        XenRelease.ProfileName(r.Release), r.Commit, [new("fixmap base", Hex.Format(r.FixmapBase.Value), r.FixmapBase.Commit)])).ToList();

    public IReadOnlyList<string> ReleaseNotes { get; } = ["FIXADDR_TOP = FIXMAP_ADDR(FIX_LAST + 1) in every release (13684f539e)"];

    public override IReadOnlyList<ArchOption> Options => RiscVOptions.All;

    protected override ArchModel Create(ArchSettings settings, RiscVProfile profile) => new RiscVModel(settings, profile);

    private static IReadOnlyList<RiscVProfile> Derive() => ReleaseProfiles.Ordered(RiscVReleases.All, r => r.Tag,
        r => new RiscVProfile(XenRelease.ProfileName(r.Release),
            $"{ReleaseProfiles.Origin(r.Tag)}: XEN_VIRT_SIZE {(r.FixmapBase.Value == 0xFFFFFFFFC0A00000UL ? "2" : "16")} MiB", r.FixmapBase.Value),
        (p, name, summary) => p with { Name = name, Summary = summary });
}

/// <summary>The plugin's entry type.</summary>
public sealed class RiscVPlugin() : ArchitecturePlugin<RiscVArchitecture>(PmapContract.Version);
