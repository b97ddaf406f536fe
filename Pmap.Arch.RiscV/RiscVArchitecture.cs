
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

    private static List<RiscVProfile> Derive()
    {
        var byRelease = RiscVReleases.All.ToDictionary(r => r.Release, r => new RiscVProfile(XenRelease.ProfileName(r.Release),
            $"{(r.Release == XenRelease.Upstream ? "staging " + r.Commit : "RELEASE-" + r.Release)}: XEN_VIRT_SIZE " +
            $"{(r.FixmapBase.Value == 0xFFFFFFFFC0A00000UL ? "2" : "16")} MiB", r.FixmapBase.Value));
        var releases = RiscVReleases.All.Select(r => r.Release).Where(r => r != XenRelease.Upstream).ToList();
        var newest = RiscVReleases.Newest.Release;
        var aliases = XenRelease.BranchAliases(releases)
            .Select(a => byRelease[a.Release] with { Name = a.Alias, Summary = $"{XenRelease.ProfileName(a.Release)}, the newest {a.Alias[4..]}.z" });
        return [byRelease[newest], byRelease[XenRelease.Upstream], .. aliases, .. releases.Where(r => r != newest).Select(r => byRelease[r])];
    }
}

/// <summary>The plugin's entry type.</summary>
public sealed class RiscVPlugin() : ArchitecturePlugin<RiscVArchitecture>(PmapContract.Version);
