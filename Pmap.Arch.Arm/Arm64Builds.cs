
namespace Pmap.Arch.Arm;

/// <summary>
/// The arm64 builds examined, one a branch: where each linker put Xen's sections and static tables (xen-syms, offsets from
/// _start), as tools/xen-releases recorded them (tests/Pmap.Verify.Tests/RealBuilds; docs/XEN_FACTS.md §3.4). 4.17 is Debian's
/// 4.17.7+13-g2445b30a44-0+deb12u1; the others are the newest tag of their branch and upstream (staging c447b7308b),
/// cross-built with Debian 12's gcc 12.2 from defconfig. A release with no build of its own takes its branch's.
/// </summary>
public static class Arm64Builds
{
    private static readonly (string Build, ulong End, ulong Etext, ulong Sinit, ulong Einit, ulong Srodata, ulong Erodata,
        ulong Fixmap, ulong Xenmap, ulong Second, ulong First, ulong Pgtable, ulong FirstId)[] Rows =
    [
        ("4.17.7", 0x1360c8, 0x7476c, 0xa1000, 0xbb660, 0x75000, 0x92aac, 0x97000, 0x128000, 0x129000, 0x12a000, 0x12b000, 0),
        ("4.18.6", 0x145000, 0x76190, 0xa7000, 0xc15a0, 0x77000, 0x95044, 0x9a000, 0x133000, 0x137000, 0x138000, 0x139000, 0x110000),
        ("4.19.6", 0x145000, 0x74020, 0xa5000, 0xbf1d0, 0x75000, 0x931e4, 0x98000, 0x113000, 0x117000, 0x118000, 0x119000, 0x10f000),
        ("4.20.4", 0x144000, 0x74860, 0xa4000, 0xbec90, 0x75000, 0x93814, 0x97000, 0x112000, 0x116000, 0x117000, 0x118000, 0x10f000),
        ("4.21.2", 0x14c000, 0x750d0, 0xa8000, 0xc4540, 0x76000, 0x97054, 0x9b000, 0x11b000, 0x11f000, 0x120000, 0x121000, 0x118000),
        ("4.22.0", 0x14c000, 0x756e0, 0xa7000, 0xc3fe0, 0x76000, 0x96d14, 0x9a000, 0x11b000, 0x11f000, 0x120000, 0x121000, 0x118000),
        (XenRelease.Upstream, 0x173000, 0x87720, 0xc6000, 0xe660c, 0x88000, 0xb416c, 0xb9000, 0x142000, 0x146000, 0x147000, 0x148000, 0x140000),
    ];

    /// <summary>
    /// xen_first_id of <paramref name="release"/>'s build (arm64/mm.c from 1c78d76b67, 4.18: the runtime identity map's tables,
    /// which the recorded builds put on consecutive pages downwards: xen_first_id, xen_second_id, xen_third_id); null before 4.18
    /// or without a build. The recorded symbols do not name these static tables; the recorded tables do.
    /// </summary>
    public static ulong? FirstIdOffset(string release)
    {
        var build = BuildOf(release);
        if (build is null) return null;
        var offset = Rows.Single(x => x.Build == build).FirstId;
        return offset == 0 ? null : offset;
    }

    /// <summary>The build that stands for <paramref name="release"/>: its own, else its branch's; null for a branch none was built of.</summary>
    public static string? BuildOf(string release)
    {
        ArgumentNullException.ThrowIfNull(release);
        if (release == XenRelease.Upstream) return XenRelease.Upstream;
        var branch = XenRelease.Branch(release);
        return Rows.Select(r => r.Build).FirstOrDefault(b => b != XenRelease.Upstream && XenRelease.Branch(b) == branch);
    }

    /// <summary>The image of <paramref name="release"/>'s build (<see cref="BuildOf"/>); null when there is none.</summary>
    public static ArmImageLayout? Layout(string release)
    {
        var build = BuildOf(release);
        if (build is null) return null;
        var r = Rows.Single(x => x.Build == build);
        return new(r.End, new(0, r.Etext), new(r.Sinit, r.Einit), new(r.Srodata, r.Erodata), new Dictionary<string, ulong>
        {
            ["xen_fixmap"] = r.Fixmap,
            ["xen_xenmap"] = r.Xenmap,
            ["xen_second"] = r.Second,
            ["xen_first"] = r.First,
            ["xen_pgtable"] = r.Pgtable,
        });
    }
}
