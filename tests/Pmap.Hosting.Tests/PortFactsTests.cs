using Microsoft.Extensions.Configuration;
using Pmap.Core.Arch;
using Pmap.Core.Conformance;
using Pmap.Hosting;
using Pmap.TestArch;

namespace Pmap.Core.Tests;

/// <summary>One validator of a port's facts: the loader refuses with it, the conformance suite fails with it.</summary>
public class PortFactsTests
{
    private static readonly IConfiguration Config = new ConfigurationBuilder().Build();

    // The fake port as shipped in the test plugins (48-bit VA and PA, levels 0..3), and the two impossible variants of it.
    private static readonly PageTableFormat SixtyFourLevels = new(0, 63, 48, 48, VaRange.ZeroExtended);
    private static readonly PageTableFormat WideVaNoPa = new(0, 3, 200, 0, VaRange.ZeroExtended);

    [Fact]
    public void The_conformance_check_fails_a_64_level_port_and_a_200_bit_va_0_bit_pa_port_and_passes_the_plain_one()
    {
        Assert.True(ConformanceSuite.Run(ConformanceCheck.PossibleFacts, new FakeArchitecture(), "plain").Passed);

        var deep = ConformanceSuite.Run(ConformanceCheck.PossibleFacts, new FakeArchitecture("toodeep", format: SixtyFourLevels), "plain");
        Assert.False(deep.Passed);
        Assert.StartsWith("levels: 64 levels", deep.Detail);

        var wide = ConformanceSuite.Run(ConformanceCheck.PossibleFacts, new FakeArchitecture("badwidths", format: WideVaNoPa), "plain");
        Assert.False(wide.Passed);
        Assert.StartsWith("VA width: 200 bits", wide.Detail);
        Assert.Contains("PA width: 0 bits", wide.Detail);
    }

    [Fact]
    public void The_loader_refuses_the_same_facts_naming_the_architecture()
    {
        var dir = Directory.CreateTempSubdirectory("pmap-facts-").FullName;
        foreach (var name in new[] { "Pmap.TestPlugin.Good", "Pmap.TestPlugin.TooDeep", "Pmap.TestPlugin.BadWidths" })
        {
            Directory.CreateDirectory(Path.Combine(dir, name));
            foreach (var f in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "testplugins", name)))
                File.Copy(f, Path.Combine(dir, name, Path.GetFileName(f)));
        }
        var c = PluginCatalog.Load(dir, Config);
        Assert.Equal("fake", Assert.Single(c.Architectures).Architecture.Name);
        var deep = Assert.Single(c.Failures, f => f.Architecture == "toodeep");
        Assert.Equal(
            "architecture 'toodeep' profile 'plain' states impossible facts: " + PortFacts.Problem(new FakeArchitecture("x", format: SixtyFourLevels)
                .Create(ArchSettings.For("plain"))), deep.Error);
        Assert.Contains("VA width: 200 bits", Assert.Single(c.Failures, f => f.Architecture == "badwidths").Error);
    }

    [Theory]
    // Each level of 512 eight-byte entries translates 9 bits above the 12-bit page offset.
    [InlineData(0, 3, 39, 48, "levels: 4 levels")]                   // 12 + 9 x 3 = 39 bits need 3 levels
    [InlineData(0, 3, 48, 64, null)]                                  // 64-bit PAs are possible
    [InlineData(0, 3, 48, 12, "PA width: 12 bits")]                   // no bit left for a frame number
    [InlineData(0, 3, 64, 48, "levels: 4 levels")]                    // 64-bit VA needs 6 levels of 9 bits
    public void Widths_and_levels_are_checked_against_512_entry_tables(int root, int leaf, int va, int pa, string? problem)
    {
        var model = new FakeArchitecture(format: new PageTableFormat(root, leaf, va, pa, VaRange.ZeroExtended)).Create(ArchSettings.For("plain"));
        var found = PortFacts.Problem(model);
        if (problem is null) Assert.Null(found);
        else Assert.StartsWith(problem, found);
    }
}
