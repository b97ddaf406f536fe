using System.Reflection;

namespace Pmap.Host.Tests;

/// <summary>
/// bench/compare.sh's yardsticks beside pmap bench: C's model written in C# (cbench-cs) must do the same work as pmap's
/// workloads (the same TLB misses and tables), or its ratio says nothing; the memory floor must hold the frames asked for.
/// </summary>
public class BenchYardstickTests
{
    private static readonly string[] Bench = typeof(BenchYardstickTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "BenchOutput").Value!.Split('|');

    private static CliResult Run(string project, string assembly, params string[] args) =>
        Cli.Dotnet(Path.Combine(Bench[0], project, "bin", Bench[1], Bench[2], assembly + ".dll"), null, args);

    [Theory]
    [InlineData("W1", "5000")]
    [InlineData("W3", "1000")]
    public void C_in_csharp_counts_the_misses_and_tables_pmap_bench_counts(string workload, string count)
    {
        var port = Run("cbench-cs", "cbench-cs", workload.ToLowerInvariant(), "--backend", "sparse", "-n", count);
        var pmap = Cli.Run("bench", "--workload", workload, "--count", count);
        Assert.Equal((0, 0), (port.Code, pmap.Code));
        var (c, cs) = (port.Json, pmap.Json);
        Assert.Equal(("ok", "ok"), (c.GetProperty("check").GetString(), cs.GetProperty("check").GetString()));
        Assert.Equal(cs.GetProperty("tlbMisses").GetInt64(), c.GetProperty("tlb_misses").GetInt64());
        Assert.Equal(cs.GetProperty("tables").GetInt64(), c.GetProperty("tables").GetInt64());
        // pmap keeps xen_xenmap, Xen's own image mapping, as a real table; C's model does not build it.
        Assert.Equal(cs.GetProperty("frames").GetInt64() - 1, c.GetProperty("frames").GetInt64());
        // W1: one miss per operation; W3 at 1 GiB: four per page plus one per table (cbench's README).
        Assert.Equal(workload == "W1" ? 5000 : (4 * 262144) + 514, c.GetProperty("tlb_misses").GetInt64());
    }

    [Fact]
    public void C_in_csharp_refuses_what_cbench_refuses()
    {
        foreach (var args in new[] { ["w4"], ["w3", "-g", "0"], ["w1", "--backend", "dense"], new[] { "w1", "-n" } })
        {
            var r = Run("cbench-cs", "cbench-cs", args);
            Assert.Equal(2, r.Code);
            Assert.StartsWith("cbench-cs: ", r.Err);
        }
    }

    [Fact]
    public void The_floor_holds_the_frames_asked_for_with_and_without_pmaps_hosting()
    {
        var bare = Run("Pmap.Floor", "pmap-floor", "300");
        var hosted = Run("Pmap.Floor", "pmap-floor", "300", "--hosting", Cli.HostOutput);
        Assert.Equal((0, 0), (bare.Code, hosted.Code));
        var (b, h) = (bare.Json, hosted.Json);
        Assert.Equal((300, false, 0),
            (b.GetProperty("frames").GetInt32(), b.GetProperty("hosting").GetBoolean(), b.GetProperty("architectures").GetInt32()));
        Assert.Equal(300, h.GetProperty("frames").GetInt32());
        Assert.Equal(Cli.Architectures().Count(), h.GetProperty("architectures").GetInt32());
        // The hosting costs memory on top of the same frames; the peak is what compare.sh reports.
        Assert.True(h.GetProperty("peakRssBytes").GetInt64() > b.GetProperty("peakRssBytes").GetInt64());
        Assert.Equal(2, Run("Pmap.Floor", "pmap-floor", "many").Code);
    }
}
