using Pmap.Arch.Arm32;
using Pmap.Arch.Arm64;
using Pmap.Arch.X86;
using Pmap.Conformance;
using Pmap.Core.Arch;
using Pmap.Core.Conformance;

namespace Pmap.Ports.Tests;

// The conformance kit, run on every shipped architecture the way a port's own test project runs it.
public class Arm64UpstreamConformance : ArchitectureConformanceTests
{
    protected override IArchitecture Architecture { get; } = new Arm64Architecture();
    protected override string Profile => "upstream";
}

public class Arm32UpstreamConformance : ArchitectureConformanceTests
{
    protected override IArchitecture Architecture { get; } = new Arm32Architecture();
    protected override string Profile => "upstream";
}

public class X86Conformance : ArchitectureConformanceTests
{
    protected override IArchitecture Architecture { get; } = new X86Architecture();
}

public class KitCatchesRealBugsTests
{
    [Theory]
    [InlineData("xen-4.17")]
    [InlineData("seed-v3")]
    public void The_fixaddr_top_off_by_one_and_the_missing_isb_fail_exactly_the_checks_they_break(string profile)
    {
        foreach (IArchitecture arch in new IArchitecture[] { new Arm64Architecture(), new Arm32Architecture() })
        {
            var failed = ConformanceSuite.RunAll(arch, profile).Where(r => !r.Passed).ToList();
            // Three from FIXADDR_TOP = FIXMAP_ADDR(FIXMAP_LAST); the fourth is arch_pmap_map's missing isb (feaa9aca87 added it).
            Assert.Equal(
                new[]
                {
                    ConformanceCheck.FixmapInverse, ConformanceCheck.SlotsMapAndUnmap, ConformanceCheck.TranslateThenFault,
                    ConformanceCheck.OrderingRules,
                },
                failed.Select(r => r.Check));
            var isb = failed[3].Detail.Replace("strd", "str", StringComparison.Ordinal);
            Assert.Contains("ARM-NEW-ISB at the end of arch_pmap_map: dsb sy; str", isb);
            Assert.EndsWith("dsb sy; <missing: isb>", failed[3].Detail.Split(" | ")[0]);
            Assert.Contains("fix_to_virt(73) = 0x449000 is outside", failed[0].Detail);
            Assert.Contains("BUG_ON(vaddr >= FIXADDR_TOP || vaddr < FIXADDR_START)", failed[1].Detail);
        }
    }
}
