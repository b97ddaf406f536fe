using Pmap.Core.Arch;

namespace Pmap.Arch.RiscV.Tests;

/// <summary>The RISC-V release table against docs/XEN_FACTS.md §1: PMAP from 4.20.0, FIXMAP_BASE moved in 4.21.0 (16d69b2870).</summary>
public class RiscVReleaseTableTests
{
    [Fact]
    public void One_row_per_release_from_4_20_0_then_upstream()
    {
        Assert.Equal(["4.20.0", "4.20.1", "4.20.2", "4.20.3", "4.20.4", "4.21.0", "4.21.1", "4.21.2", "4.22.0", "upstream"],
            RiscVReleases.All.Select(r => r.Release));
        // git rev-parse RELEASE-4.20.0; the same tag as on Arm.
        Assert.Equal("3ad5d648cda5", RiscVReleases.All[0].Commit);
    }

    [Fact]
    public void FIXMAP_BASE_is_from_13684f539e_in_4_20_x_and_from_16d69b2870_from_4_21_0()
    {
        foreach (var r in RiscVReleases.All)
        {
            var in420 = r.Release.StartsWith("4.20.", StringComparison.Ordinal);
            // 0xffffffffc0000000 + Xen (2 MiB, then 16) + gap 2 + FDT 4 + gap 2.
            Assert.Equal(in420 ? new XenFact<ulong>(0xFFFFFFFFC0A00000UL, "13684f539e2d") : new(0xFFFFFFFFC1800000UL, "16d69b2870ce"),
                r.FixmapBase);
        }
    }

    [Theory]
    [InlineData("xen-4.20.4", 0xFFFFFFFFC0A00000UL)]
    [InlineData("xen-4.20", 0xFFFFFFFFC0A00000UL)]
    [InlineData("xen-4.21.0", 0xFFFFFFFFC1800000UL)]
    [InlineData("xen-4.22.0", 0xFFFFFFFFC1800000UL)]
    [InlineData("upstream", 0xFFFFFFFFC1800000UL)]
    public void FIXMAP_BASE_per_profile(string profile, ulong fixmapBase)
    {
        var arch = new RiscVArchitecture();
        Assert.Equal("xen-4.22.0", arch.DefaultProfile);
        Assert.Equal(fixmapBase, ((RiscVProfile)arch.Profiles.Single(p => p.Name == profile)).FixmapBase);
    }
}
