using System.Text.Json;

namespace Pmap.Host.Tests;

/// <summary>The architecture issues' "done when" lines, through the real host.</summary>
public class ArchitectureCliTests
{
    [Fact]
    public void X86_layout_grows_down_from_fixaddr_top_with_a_dead_pmap_slot()
    {
        var j = Cli.Run("layout", "--arch", "x86", "--json").Json;
        Assert.Equal(("down", "0xffff82cffffff000", 4, 12), (j.GetProperty("slotDirection").GetString(), j.GetProperty("fixaddrTop").GetString(),
            j.GetProperty("pmapBegin").GetInt32(), j.GetProperty("pmapEnd").GetInt32()));
        foreach (var s in j.GetProperty("slots").EnumerateArray())
            Assert.Equal(0xffff82cffffff000UL - (ulong)s.GetProperty("index").GetInt32() * 4096,
                Convert.ToUInt64(s.GetProperty("va").GetString(), 16));
        Assert.Contains(j.GetProperty("notes").EnumerateArray(), n => n.GetString()!.Contains("slot 12 is dead"));
    }

    [Fact]
    public void X86_map_is_one_mov_and_unmap_invlpgs_and_nx_comes_from_configuration()
    {
        var steps = Cli.Run("map", "--arch", "x86", "--mfn", "0x12345", "--unmap", "--json").Json.GetProperty("steps");
        Assert.Equal(("0xffff82cfffffb000", "0x8000000012345163", 4),
            (steps[0].GetProperty("va").GetString(), steps[0].GetProperty("pte").GetString(), steps[0].GetProperty("slot").GetInt32()));
        var write = Assert.Single(steps[0].GetProperty("events").EnumerateArray());
        Assert.Equal(("pte-write", "l1_fixmap", 507),
            (write.GetProperty("kind").GetString(), write.GetProperty("table").GetString(), write.GetProperty("entry").GetInt32()));
        Assert.Equal(new[] { "mov", "invlpg" }, steps[1].GetProperty("events").EnumerateArray().Select(e => e.GetProperty("op").GetString()));

        var file = Path.GetTempFileName();
        File.WriteAllText(file, """{"Architectures": {"x86": {"Nx": false, "Xhci": true}}}""");
        var noNx = Cli.Run("map", "--arch", "x86", "--mfn", "0x12345", "--json", "--config", file).Json.GetProperty("steps")[0];
        Assert.Equal(("0x12345163", 260), (noNx.GetProperty("pte").GetString(), noNx.GetProperty("slot").GetInt32()));
    }

    [Fact]
    public void X86_translate_below_the_fixmap_faults_and_a_non_canonical_va_is_refused()
    {
        var r = Cli.Run("translate", "--arch", "x86", "--va", "0x1234", "--json");
        Assert.Equal(0, r.Code);
        Assert.Equal(4, r.Json.GetProperty("fault").GetProperty("level").GetInt32());
        var bad = Cli.Run("translate", "--arch", "x86", "--va", "0x0000800000000000");
        Assert.Equal(2, bad.Code);
        Assert.Contains("canonical", bad.Err);
    }

    [Fact]
    public void Riscv_map_is_a_store_then_sfence_vma_both_ways()
    {
        var steps = Cli.Run("map", "--arch", "riscv", "--mfn", "0x12345", "--unmap", "--json").Json.GetProperty("steps");
        Assert.Equal(("0xffffffffc1800000", "0x48d1407", 0),
            (steps[0].GetProperty("va").GetString(), steps[0].GetProperty("pte").GetString(), steps[0].GetProperty("slot").GetInt32()));
        foreach (var s in steps.EnumerateArray())
            Assert.Equal(new[] { ("pte-write", "sd"), ("tlb-flush", "sfence.vma") },
                s.GetProperty("events").EnumerateArray().Select(e => (e.GetProperty("kind").GetString()!, e.GetProperty("op").GetString()!)));
    }

    [Theory]
    [InlineData("arm64", "upstream")]
    [InlineData("arm32", "upstream")]
    [InlineData("x86", null)]
    [InlineData("riscv", null)]
    public void Conformance_passes(string arch, string? profile)
    {
        var r = Cli.Run(profile is null
            ? ["conformance", "--arch", arch, "--json"]
            : ["conformance", "--arch", arch, "--profile", profile, "--json"]);
        Assert.Equal(0, r.Code);
        Assert.True(r.Json.GetProperty("passed").GetBoolean());
        // Every check of the suite, in its order (the facts check first).
        Assert.Equal(Pmap.Core.Conformance.ConformanceSuite.Checks.Select(Pmap.Core.Conformance.ConformanceChecks.Sentence),
            r.Json.GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("check").GetString()));
    }

    [Fact]
    public void Conformance_fails_with_exit_4_a_finding_on_the_4_17_fixaddr_top_bug_and_missing_isb()
    {
        var r = Cli.Run("conformance", "--arch", "arm64", "--profile", "xen-4.17", "--json");
        Assert.Equal(4, r.Code);
        Assert.Equal(4, r.Json.GetProperty("checks").EnumerateArray().Count(c => !c.GetProperty("passed").GetBoolean()));
    }

    [Fact]
    public void Bench_prints_one_json_line_with_the_reference_counters()
    {
        var r = Cli.Run("bench", "--workload", "W1", "--n", "5000");
        Assert.Equal(0, r.Code);
        var line = Assert.Single(r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var j = JsonDocument.Parse(line).RootElement;
        Assert.Equal(("W1", "arm64", 5000L, 5000L, "ok"), (j.GetProperty("workload").GetString(), j.GetProperty("arch").GetString(),
            j.GetProperty("ops").GetInt64(), j.GetProperty("tlbMisses").GetInt64(), j.GetProperty("check").GetString()));
        Assert.True(j.GetProperty("nsPerOp").GetDouble() > 0);
#if DEBUG
        Assert.Contains("the numbers are not meaningful", r.Err); // this test's build is the benchmarked one
#else
        Assert.DoesNotContain("not meaningful", r.Err);
#endif
        Assert.Equal(2, Cli.Run("bench", "--workload", "W9").Code);
    }

    [Fact]
    public void A_malformed_appsettings_json_beside_the_binary_exits_3()
    {
        var dir = Path.Combine(Path.GetTempPath(), "pmap-host-" + Guid.NewGuid().ToString("n"));
        foreach (var f in Directory.GetFiles(Cli.HostOutput, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(dir, Path.GetRelativePath(Cli.HostOutput, f));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(f, target);
        }
        File.WriteAllText(Path.Combine(dir, "appsettings.json"), "{ \"NumFixPmap\": ");
        var psi = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        psi.ArgumentList.Add(Path.Combine(dir, "pmap.dll"));
        psi.ArgumentList.Add("layout");
        using var p = System.Diagnostics.Process.Start(psi)!;
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.Equal(3, p.ExitCode);
        Assert.Contains("not valid JSON", err);
        Assert.DoesNotContain("   at ", err);
    }
}
