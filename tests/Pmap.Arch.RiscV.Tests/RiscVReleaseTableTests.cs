using Pmap.Core.Arch;

namespace Pmap.Arch.RiscV.Tests;

/// <summary>The RISC-V release table against its timeline: PMAP from 4.20.0, FIXMAP_BASE moved in 4.21.0 (16d69b2870).</summary>
public class RiscVReleaseTableTests
{
    [Fact]
    public void One_row_per_release_from_4_20_0_then_upstream_each_fact_from_its_timeline()
    {
        Assert.Equal(["4.20.0", "4.20.1", "4.20.2", "4.20.3", "4.20.4", "4.21.0", "4.21.1", "4.21.2", "4.22.0", "upstream"],
            RiscVReleases.All.Select(r => r.Release));
        foreach (var r in RiscVReleases.All)
        {
            var change = RiscVReleases.FixmapBase.At(r.Release);
            Assert.Equal(new XenFact<ulong>(change.Value, change.Commit), r.FixmapBase);
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
