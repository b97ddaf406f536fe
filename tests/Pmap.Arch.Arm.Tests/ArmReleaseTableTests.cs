namespace Pmap.Arch.Arm.Tests;

/// <summary>
/// The Arm release table (ArmReleases), computed from the tags and the fact timelines, against docs/XEN_FACTS.md's release
/// matrix written out release by release: a wrong timeline or a missing tag changes some set here.
/// </summary>
public class ArmReleaseTableTests
{
    private static readonly string[] Expected =
    [
        .. Z("4.17", 0, 7), .. Z("4.18", 0, 6), .. Z("4.19", 0, 6), .. Z("4.20", 0, 4), .. Z("4.21", 0, 2), "4.22.0", "upstream",
    ];

    /// <summary>X.Y.from to X.Y.to, as the matrix writes a range of releases.</summary>
    private static IEnumerable<string> Z(string branch, int from, int to) => Enumerable.Range(from, to - from + 1).Select(z => $"{branch}.{z}");

    private static ArmRelease Row(string release) => ArmReleases.All.Single(r => r.Release == release);

    private static string[] Where(Func<ArmRelease, bool> holds) => [.. ArmReleases.All.Where(holds).Select(r => r.Release)];

    [Fact]
    public void There_is_one_row_per_release_tag_then_upstream_each_at_its_tag()
    {
        Assert.Equal(Expected, ArmReleases.All.Select(r => r.Release));
        // git rev-parse RELEASE-4.17.0, RELEASE-4.18.4, RELEASE-4.22.0; staging as read (docs/XEN_FACTS.md §1).
        Assert.Equal("11560248ffda", Row("4.17.0").Commit);
        Assert.Equal("e77ff5473858", Row("4.18.4").Commit);
        Assert.Equal("d45d5687f144", Row("4.22.0").Commit);
        Assert.Equal("c447b7308b13", Row("upstream").Commit);
    }

    [Fact]
    public void FIXADDR_TOP_is_off_by_one_in_4_17_x_4_18_0_to_4_18_3_and_4_19_0() =>
        Assert.Equal([.. Z("4.17", 0, 7), .. Z("4.18", 0, 3), "4.19.0"], Where(r => !r.FixaddrTopFixed.Value));

    [Fact]
    public void The_isb_after_the_PMAP_store_is_missing_in_every_4_17_x_and_nowhere_else()
    {
        Assert.Equal(Z("4.17", 0, 7), Where(r => !r.IsbAfterPmapWrite.Value));
        Assert.Equal(Z("4.17", 0, 7), Where(r => !r.IsbAfterPtUpdate.Value));
        Assert.All(Where(r => r.IsbAfterPmapWrite.Value), r => Assert.Equal("feaa9aca87fd", Row(r).IsbAfterPmapWrite.Commit));
    }

    [Fact]
    public void The_dsb_sy_flush_is_in_4_17_0_to_4_17_6_and_4_17_7_has_the_nsh_backport() =>
        Assert.Equal(Z("4.17", 0, 6), Where(r => r.LocalFlush.Value == ArmLocalFlush.Sy));

    [Fact]
    public void The_repeated_TLBI_is_present_from_4_18_0_less_the_last_of_each_branch_and_gone_from_4_22_0()
    {
        Assert.Equal([.. Z("4.18", 0, 5), .. Z("4.19", 0, 5), .. Z("4.20", 0, 3), .. Z("4.21", 0, 1)], Where(r => r.RepeatTlbi.Value));
        // Each removal in its own branch: 16f1d36545 (4.17.7), 9fe35345a7, 54bb4e9972, c411e33d8c, bec5efc03a, 7c502d7591.
        Assert.Equal("16f1d36545f8", Row("4.17.7").RepeatTlbi.Commit);
        Assert.Equal("c9a82940afb2", Row("4.17.6").RepeatTlbi.Commit);
        Assert.Equal("9fe35345a7e8", Row("4.18.6").RepeatTlbi.Commit);
        Assert.Equal("54bb4e99724b", Row("4.19.6").RepeatTlbi.Commit);
        Assert.Equal("c411e33d8c23", Row("4.20.4").RepeatTlbi.Commit);
        Assert.Equal("bec5efc03ade", Row("4.21.2").RepeatTlbi.Commit);
        Assert.Equal("7c502d759151", Row("4.22.0").RepeatTlbi.Commit);
        Assert.Equal("7c502d759151", Row("upstream").RepeatTlbi.Commit);
    }

    [Fact]
    public void The_layout_eras_and_the_FIX_spelling_follow_the_branches()
    {
        Assert.Equal(Z("4.17", 0, 7), Where(r => r.Layout.Value == ArmLayoutEra.Xen417));
        Assert.Equal(Z("4.18", 0, 6), Where(r => r.Layout.Value == ArmLayoutEra.Xen418));
        Assert.Equal([.. Z("4.17", 0, 7), .. Z("4.18", 0, 6)], Where(r => !r.FixNames.Value));
        Assert.Equal([.. Z("4.17", 0, 7), .. Z("4.18", 0, 6)], Where(r => r.PmapC.Value == "14517198aae3"));
    }

    [Theory]
    [InlineData("4.18.4", "87d2cdd51327", "4.18.3")]
    [InlineData("4.19.1", "46a2ce35212c", "4.19.0")]
    [InlineData("4.20.0", "fe3412ab83cc", null)]
    public void FIXADDR_TOP_is_fixed_first_in_4_18_4_4_19_1_and_4_20_0(string first, string commit, string? before)
    {
        Assert.Equal(new XenFact<bool>(true, commit), Row(first).FixaddrTopFixed);
        if (before is not null) Assert.False(Row(before).FixaddrTopFixed.Value);
        Assert.All(ArmReleases.All.Where(r => r.Release.StartsWith("4.17.", StringComparison.Ordinal)), r => Assert.False(r.FixaddrTopFixed.Value));
    }

    [Theory]
    [InlineData("4.17.6", ArmLocalFlush.Sy, "c9a82940afb2")]
    [InlineData("4.17.7", ArmLocalFlush.Nsh, "333c263bbad5")]
    [InlineData("4.18.0", ArmLocalFlush.Nsh, "5e5d1a43e184")]
    [InlineData("upstream", ArmLocalFlush.Nsh, "5e5d1a43e184")]
    public void The_local_flush_barriers(string release, ArmLocalFlush flush, string commit) =>
        Assert.Equal(new XenFact<ArmLocalFlush>(flush, commit), Row(release).LocalFlush);

    [Theory]
    [InlineData("xen-4.17.3", 0x400000UL, 0x200000UL, 1, 0x400000UL)]
    [InlineData("xen-4.18.2", 0x0000020000A00000UL, 0x0000020000200000UL, 4, 0xA00000UL)]
    [InlineData("xen-4.19.0", 0x00000A0000A00000UL, 0x00000A0000200000UL, 4, 0xA00000UL)]
    [InlineData("upstream", 0x00000A0000A00000UL, 0x00000A0000200000UL, 4, 0xA00000UL)]
    public void The_layout_of_each_era_on_both_ports(string profile, ulong fixmap64, ulong virt64, int xenmap, ulong fixmap32)
    {
        var a64 = Profile(new Arm64Architecture(), profile);
        Assert.Equal((fixmap64, virt64, xenmap), (a64.FixmapBase, a64.XenVirtStart, a64.XenmapPages));
        var a32 = Profile(new Arm32Architecture(), profile);
        Assert.Equal((fixmap32, 0x200000UL, xenmap), (a32.FixmapBase, a32.XenVirtStart, a32.XenmapPages));
    }

    [Theory]
    [InlineData("4.18.6", false, "14517198aae3")]
    [InlineData("4.19.0", true, "6e3ba9298df4")]
    public void The_FIX_spelling_and_the_second_pmap_c_come_with_4_19_0(string release, bool fixNames, string blob)
    {
        Assert.Equal(new XenFact<bool>(fixNames, fixNames ? "0441c3acc7e9" : "4f17357b52f6"), Row(release).FixNames);
        Assert.Equal(blob, Row(release).PmapC.Value);
    }

    [Fact]
    public void Aliases_name_the_newest_of_each_branch_and_the_default_is_the_newest_release()
    {
        var arch = new Arm64Architecture();
        Assert.Equal("xen-4.22.0", arch.DefaultProfile);
        Assert.Equal("4.17.7", Profile(arch, "xen-4.17").Release.Release);
        Assert.Equal("4.18.6", Profile(arch, "xen-4.18").Release.Release);
        Assert.Equal("4.21.2", Profile(arch, "xen-4.21").Release.Release);
        Assert.Equal(arch.ProfileNames().Distinct(), arch.ProfileNames());
        Assert.Equal("4.17.0", Profile(arch, "seed-v3").Release.Release);
    }

    [Fact]
    public void Containment_follows_branches_and_backports()
    {
        Assert.True(XenRelease.Contains("4.21.1", ["4.18.0"]));
        Assert.True(XenRelease.Contains("upstream", ["4.22.0"]));
        Assert.False(XenRelease.Contains("4.19.0", ["4.18.4"]));
        Assert.False(XenRelease.Contains("upstream", ["4.18.4"]));
        Assert.False(XenRelease.Contains("4.18.3", ["4.18.4"]));
        Assert.False(XenRelease.Contains("4.17.7", ["4.18.0"]));
    }

    private static ArmProfile Profile(IArchitecture arch, string name) => (ArmProfile)arch.Profiles.Single(p => p.Name == name);
}
