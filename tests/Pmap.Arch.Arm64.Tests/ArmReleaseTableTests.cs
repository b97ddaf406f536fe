using Pmap.Arch.Arm;
using Pmap.Arch.Arm32;
using Pmap.Core.Arch;

namespace Pmap.Arch.Arm64.Tests;

/// <summary>The Arm release table (ArmReleases): every row against the fact timelines, and the rows docs/XEN_FACTS.md states.</summary>
public class ArmReleaseTableTests
{
    private static readonly string[] Expected =
    [
        .. Enumerable.Range(0, 8).Select(z => $"4.17.{z}"), .. Enumerable.Range(0, 7).Select(z => $"4.18.{z}"),
        .. Enumerable.Range(0, 7).Select(z => $"4.19.{z}"), .. Enumerable.Range(0, 5).Select(z => $"4.20.{z}"),
        .. Enumerable.Range(0, 3).Select(z => $"4.21.{z}"), "4.22.0", "upstream",
    ];

    private static ArmRelease Row(string release) => ArmReleases.All.Single(r => r.Release == release);

    [Fact]
    public void There_is_one_row_per_release_tag_then_upstream() =>
        Assert.Equal(Expected, ArmReleases.All.Select(r => r.Release));

    [Fact]
    public void Every_fact_is_the_value_of_the_newest_commit_of_its_timeline_the_release_contains()
    {
        foreach (var r in ArmReleases.All)
        {
            Check(r.Release, ArmReleases.FixaddrTopFixed, r.FixaddrTopFixed);
            Check(r.Release, ArmReleases.IsbAfterPmapWrite, r.IsbAfterPmapWrite);
            Check(r.Release, ArmReleases.IsbAfterPtUpdate, r.IsbAfterPtUpdate);
            Check(r.Release, ArmReleases.LocalFlush, r.LocalFlush);
            Check(r.Release, ArmReleases.RepeatTlbi, r.RepeatTlbi);
            Check(r.Release, ArmReleases.Layout, r.Layout);
            Check(r.Release, ArmReleases.FixNames, r.FixNames);
            Check(r.Release, ArmReleases.PmapC, r.PmapC);
        }
    }

    private static void Check<T>(string release, FactTimeline<T> timeline, XenFact<T> fact)
    {
        var change = timeline.At(release);
        Assert.True(Equals(change.Value, fact.Value) && change.Commit == fact.Commit,
            $"{release} {timeline.Name}: row says {fact.Value} ({fact.Commit}), the timeline {change.Value} ({change.Commit})");
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

    [Fact]
    public void The_isb_after_the_PMAP_store_and_after_xen_pt_update_come_with_4_18_0()
    {
        foreach (var r in ArmReleases.All)
        {
            var since418 = r.Release == XenRelease.Upstream || XenRelease.Parse(r.Release).Branch >= 418;
            Assert.Equal(since418, r.IsbAfterPmapWrite.Value);
            Assert.Equal(since418, r.IsbAfterPtUpdate.Value);
        }
        Assert.Equal("feaa9aca87fd", Row("4.18.0").IsbAfterPmapWrite.Commit);
    }

    [Theory]
    [InlineData("4.17.6", ArmLocalFlush.Sy, "c9a82940afb2")]
    [InlineData("4.17.7", ArmLocalFlush.Nsh, "333c263bbad5")]
    [InlineData("4.18.0", ArmLocalFlush.Nsh, "5e5d1a43e184")]
    [InlineData("upstream", ArmLocalFlush.Nsh, "5e5d1a43e184")]
    public void The_local_flush_barriers(string release, ArmLocalFlush flush, string commit) =>
        Assert.Equal(new XenFact<ArmLocalFlush>(flush, commit), Row(release).LocalFlush);

    [Fact]
    public void The_repeated_TLBI_workaround_is_in_4_18_0_to_4_21_1_less_the_last_of_each_branch()
    {
        string[] with = ["4.18.0", "4.18.5", "4.19.0", "4.19.5", "4.20.0", "4.20.3", "4.21.0", "4.21.1"];
        string[] without = ["4.17.0", "4.17.7", "4.18.6", "4.19.6", "4.20.4", "4.21.2", "4.22.0", "upstream"];
        Assert.All(with, r => Assert.Equal(new XenFact<bool>(true, "cbfaf6ccd2cb"), Row(r).RepeatTlbi));
        Assert.All(without, r => Assert.False(Row(r).RepeatTlbi.Value));
        Assert.Equal("9fe35345a7e8", Row("4.18.6").RepeatTlbi.Commit);
        Assert.Equal("7c502d759151", Row("4.22.0").RepeatTlbi.Commit);
    }

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
