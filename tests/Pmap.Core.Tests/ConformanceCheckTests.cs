using Pmap.Core.Conformance;

namespace Pmap.Core.Tests;

/// <summary>Conformance checks are named by id in code; the sentence is only what a reader sees, one per check.</summary>
public class ConformanceCheckTests
{
    [Fact]
    public void Every_check_runs_once_the_facts_check_first()
    {
        Assert.Equal(ConformanceCheck.PossibleFacts, ConformanceSuite.Checks[0]);
        Assert.Equal(Enum.GetValues<ConformanceCheck>().Length, ConformanceSuite.Checks.Distinct().Count());
    }

    [Fact]
    public void Each_check_has_its_own_sentence() =>
        Assert.Equal(ConformanceSuite.Checks.Count, ConformanceSuite.Checks.Select(c => c.Sentence()).Distinct(StringComparer.Ordinal).Count());
}
