using Pmap.Core.Scenarios;

namespace Pmap.Core.Tests;

/// <summary>Workload names: the three of bench/cbench, in any case; any other name is refused, never run as W3.</summary>
public class WorkloadNameTests
{
    [Theory]
    [InlineData("W1", Workload.W1)]
    [InlineData("w2", Workload.W2)]
    [InlineData("W3", Workload.W3)]
    public void Each_workload_is_found_by_its_name(string name, Workload expected) => Assert.Equal(expected, Workloads.Find(name));

    [Theory]
    [InlineData("W4")]
    [InlineData("W")]
    [InlineData("2")]
    [InlineData("")]
    [InlineData("boot")]
    public void Any_other_name_is_no_workload(string name) => Assert.Null(Workloads.Find(name));

    [Fact]
    public void A_value_outside_the_enum_is_refused_not_run() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Workloads.Run((Workload)7, null!, null!, 1, 1));

    [Theory]
    [InlineData(Workload.W1, 2000L)]
    [InlineData(Workload.W2, 2000L)]
    [InlineData(Workload.W3, 10L)]
    public void The_settle_step_runs_once_in_a_run_and_the_run_still_checks(Workload workload, long n)
    {
        // pmap bench lets tiered compilation finish there: a set-up left to run after it would land in the timed part.
        var arch = new Pmap.TestArch.FakeArchitecture();
        var settles = 0;
        var result = Workloads.Run(workload, arch, Pmap.Port.ArchSettings.For("plain"), n, 1, settle: () => settles++);
        Assert.Equal(1, settles);
        Assert.True(result.Check);
    }
}
