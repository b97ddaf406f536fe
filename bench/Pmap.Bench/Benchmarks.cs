using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using Pmap.Arch.Arm;
using Pmap.Arch.Arm64;
using Pmap.Core;
using Pmap.Core.Arch;
using Pmap.Core.Machine;
using Pmap.Core.Scenarios;

namespace Pmap.Bench;

/// <summary>The operations behind the workloads, one at a time, with allocations reported.</summary>
[MemoryDiagnoser]
public class PmapBenchmarks
{
    private XenMachine _m = null!;
    private ArchModel _model = null!;
    private VirtAddr _directmap;
    private ulong _x = Workloads.Seed;
    private ulong _i;

    [GlobalSetup]
    public void Setup()
    {
        // The profile pmap bench runs: the architecture's default.
        var arch = new Arm64Architecture();
        _model = Workloads.Model(arch, ArchSettings.For(arch.DefaultProfile), 1);
        _m = Workloads.FreshMachine(_model, 1);
        _directmap = _model.DirectmapVirtStart!.Value;
        _model.MapPagesToXen(_m, _directmap, new Mfn(Workloads.RamBaseMfn), 1UL << 18, superpages: false);
    }

    [Benchmark(Description = "pmap_map + pmap_unmap")]
    public void MapUnmap() => _m.Pmap.Unmap(_m.Pmap.Map(new Mfn(Workloads.RamBaseMfn + (_i++ & 1023))));

    [Benchmark(Description = "pmap_map + touch + pmap_unmap (W1 op)")]
    public void MapTouchUnmap()
    {
        var va = _m.Pmap.Map(new Mfn(Workloads.RamBaseMfn + (_i & 1023)));
        _m.WriteVirt64(va, _i++);
        _m.Pmap.Unmap(va);
    }

    [Benchmark(Description = "mfn_to_xen_entry (PTE encode)")]
    public ulong PteEncode() => Lpae.MfnToXenEntry(new Mfn(Workloads.RamBaseMfn + (_i++ & 0xfffff)), Lpae.PageHypervisorRw, 48, debug: true);

    [Benchmark(Description = "4-level walk, TLB bypassed (W2 op)")]
    public PhysAddr? WalkNoTlb() => _m.WalkFast(_directmap.Add(Workloads.XorShift64(ref _x) & ((1UL << 30) - 1)), out _, out _, out _);

    [Benchmark(Description = "translated load, TLB miss (walk + fill)")]
    public ulong LoadTlbMiss()
    {
        var va = _directmap.Add((_i++ & 7) << 12);
        _m.Tlb.FlushVa(va);
        return _m.ReadVirt64(va);
    }

    [Benchmark(Description = "4-level walk, same tables, TLB bypassed")]
    public PhysAddr? WalkHot() => _m.WalkFast(_directmap.Add((_i++ & 7) << 12), out _, out _, out _);

    [Benchmark(Description = "translated load, TLB hit")]
    public ulong LoadWithTlb() => _m.ReadVirt64(_directmap.Add((_i++ & 7) << 3));

    [Benchmark(Description = "boot-map one 4K page (W3 op)", OperationsPerInvoke = 4096)]
    public void BootMapPerPage()
    {
        var m = Workloads.FreshMachine(_model, 1);
        _model.MapPagesToXen(m, _directmap, new Mfn(Workloads.RamBaseMfn), 4096, superpages: false);
    }
}

public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
