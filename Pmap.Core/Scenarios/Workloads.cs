#pragma warning disable CS1591 // Some public members here still lack XML documentation: to fill in (every other file is complete).
using System.Diagnostics;
using Pmap.Core.Arch;
using Pmap.Core.Machine;

namespace Pmap.Core.Scenarios;

/// <summary>
/// One workload run, with the counters bench/cbench reports too. CpuNsPerOp is the process's CPU time (every thread: JIT
/// and GC too) per operation over the timed part: unlike NsPerOp, it does not count time other processes held the CPU.
/// </summary>
public sealed record WorkloadResult(string Workload, string Arch, string Profile, int Gib, long Ops, double NsPerOp, double Seconds,
    double VerifySeconds, long PeakRssBytes, long TlbMisses, long Tables, long Frames, bool Check, double CpuNsPerOp = 0);

/// <summary>The benchmark workloads, by the names bench/cbench gives them.</summary>
public enum Workload
{
    /// <summary>pmap map + touch + unmap.</summary>
    W1,

    /// <summary>Table walks with the TLB bypassed.</summary>
    W2,

    /// <summary>The early-boot map_pages_to_xen of G GiB at 4 KiB granularity.</summary>
    W3,
}

/// <summary>
/// The benchmark workloads (their C twin is bench/cbench/cbench.c), run on the real Core and an architecture
/// plugin with the trace off: W1 pmap map + touch + unmap, W2 table walks with the TLB bypassed, W3 the
/// early-boot map_pages_to_xen of G GiB at 4 KiB granularity. RAM, RNG, seed and checks are cbench's.
/// </summary>
public static class Workloads
{
    public const ulong RamBaseMfn = 0x40000;
    public const ulong PagesPerGib = 1UL << 18;
    private const ulong HeadroomPages = 16384; // 64 MiB for page tables
    public const ulong Seed = 0x9e3779b97f4a7c15;
    public const long DefaultOps = 20_000_000;

    public static IReadOnlyList<string> Names { get; } = Enum.GetNames<Workload>();

    /// <summary>The workload named <paramref name="name"/> (any case), or null: a name no workload has is never run.</summary>
    public static Workload? Find(string name) =>
        Names.FirstOrDefault(n => n.Equals(name, StringComparison.OrdinalIgnoreCase)) is { } known ? Enum.Parse<Workload>(known) : null;

    /// <summary>RAM MFNs [0x40000, 0x40000 + G·262144 + 16384).</summary>
    public static RamBank Ram(int gib) => new(new Mfn(RamBaseMfn).ToPhysAddr(), ((ulong)gib * PagesPerGib + HeadroomPages) << Page.Shift);

    /// <summary>Marsaglia's xorshift64: x ^= x &lt;&lt; 13; x ^= x &gt;&gt; 7; x ^= x &lt;&lt; 17.</summary>
    public static ulong XorShift64(ref ulong x)
    {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        return x;
    }

    /// <summary>
    /// The model with Xen's image at the top of the workload RAM, where the reference keeps its static tables, so
    /// that the data frames W1 writes (MFN 0x40000 + j) are not Xen's own.
    /// </summary>
    public static ArchModel Model(IArchitecture arch, ArchSettings settings, int gib) =>
        arch.Create(settings with { XenLoadAddress = new PhysAddr((Ram(gib).End.Value - (4UL << 20)) & ~((2UL << 20) - 1)) });

    public static XenMachine FreshMachine(ArchModel model, int gib) =>
        model.Boot(new MachineOptions { Ram = [Ram(gib)], TraceEnabled = false });

    private static VirtAddr Directmap(ArchModel model) => model.DirectmapVirtStart
        ?? throw new PmapUsageException($"{model.Name} has no directmap: W2 and W3 map RAM there");

    /// <summary>
    /// Runs workload W1, W2 or W3; N is the operation count (W1, W2) and GiB the RAM (W3). <paramref name="settle"/> runs after
    /// the machine is set up and before the timed part starts (pmap bench lets tiered compilation finish there).
    /// </summary>
    public static WorkloadResult Run(Workload workload, IArchitecture arch, ArchSettings settings, long? n, int gib, Action? settle = null) => workload switch
    {
        Workload.W1 => W1(arch, settings, n ?? DefaultOps, settle),
        Workload.W2 => W2(arch, settings, n ?? DefaultOps, settle),
        Workload.W3 => W3(arch, settings, gib, n ?? 1_000_000, settle),
        _ => throw new ArgumentOutOfRangeException(nameof(workload), workload, "not a workload"),
    };

    /// <summary>W1: for i in 0..N-1: va = pmap_map(0x40000 + (i &amp; 1023)); write64(va, i); pmap_unmap(va).</summary>
    public static WorkloadResult W1(IArchitecture arch, ArchSettings settings, long n, Action? settle = null)
    {
        var model = Model(arch, settings, 1);
        var m = FreshMachine(model, 1);
        var misses0 = m.Counters.TlbMisses;
        var sw = Timer.Start(settle);
        W1Loop(m, n);
        sw.Stop();
        // Frame 0x40000 + j holds the last i with i & 1023 == j.
        var ok = m.Pmap.InUse == 0;
        for (var j = 0L; j < Math.Min(n, 1024); j++)
        {
            var expected = (ulong)((n - 1 - j) / 1024 * 1024 + j);
            ok &= m.Memory.Read64(new Mfn(RamBaseMfn + (ulong)j).ToPhysAddr()) == expected;
        }
        return Result("W1", model, 1, n, sw, TimeSpan.Zero, m, m.Counters.TlbMisses - misses0, ok);
    }

    [System.Runtime.BypassReadyToRun] // the timed loop: profiled mid-loop by the JIT (on-stack replacement), as without ReadyToRun
    private static void W1Loop(XenMachine m, long n)
    {
        var pmap = m.Pmap;
        for (var i = 0L; i < n; i++)
        {
            var va = pmap.Map(new Mfn(RamBaseMfn + ((ulong)i & 1023)));
            m.WriteVirt64(va, (ulong)i);
            pmap.Unmap(va);
        }
    }

    /// <summary>W2: map 1 GiB at 4 KiB (untimed), then N walks of DIRECTMAP + (xorshift &amp; (2^30 - 1)) with the TLB bypassed.</summary>
    public static WorkloadResult W2(IArchitecture arch, ArchSettings settings, long n, Action? settle = null)
    {
        var model = Model(arch, settings, 1);
        var m = FreshMachine(model, 1);
        var directmap = Directmap(model);
        var rc = model.MapPagesToXen(m, directmap, new Mfn(RamBaseMfn), PagesPerGib, superpages: false);
        var misses0 = m.Counters.TlbMisses;
        var sw = Timer.Start(settle);
        var mismatches = Walks(m, directmap, n, (1UL << 30) - 1);
        sw.Stop();
        return Result("W2", model, 1, n, sw, TimeSpan.Zero, m, m.Counters.TlbMisses - misses0, rc == 0 && mismatches == 0);
    }

    /// <summary>W3: map_pages_to_xen(DIRECTMAP, 0x40000, G·262144, PAGE_HYPERVISOR_RW) timed, then 1,000,000 checking walks.</summary>
    public static WorkloadResult W3(IArchitecture arch, ArchSettings settings, int gib, long verifyWalks = 1_000_000, Action? settle = null)
    {
        var model = Model(arch, settings, gib);
        var m = FreshMachine(model, gib);
        var directmap = Directmap(model);
        var pages = (ulong)gib * PagesPerGib;
        var misses0 = m.Counters.TlbMisses;
        var sw = Timer.Start(settle);
        var rc = model.MapPagesToXen(m, directmap, new Mfn(RamBaseMfn), pages, superpages: false);
        sw.Stop();
        var misses = m.Counters.TlbMisses - misses0;
        var verify = Stopwatch.StartNew();
        var mismatches = Walks(m, directmap, verifyWalks, ((ulong)gib << 30) - 1);
        verify.Stop();
        return Result("W3", model, gib, (long)pages, sw, verify.Elapsed, m, misses, rc == 0 && m.Pmap.InUse == 0 && mismatches == 0);
    }

    [System.Runtime.BypassReadyToRun] // the timed loop: profiled mid-loop by the JIT (on-stack replacement), as without ReadyToRun
    private static long Walks(XenMachine m, VirtAddr directmap, long n, ulong mask)
    {
        var x = Seed;
        var mismatches = 0L;
        var ramBase = RamBaseMfn << Page.Shift;
        for (var i = 0L; i < n; i++)
        {
            var off = XorShift64(ref x) & mask;
            var pa = m.WalkFast(directmap.Add(off), out _, out _, out _);
            if (pa is null || pa.Value.Value != ramBase + off) mismatches++;
        }
        return mismatches;
    }

    private static WorkloadResult Result(string name, ArchModel model, int gib, long ops, Timer timed, TimeSpan verify, XenMachine m, long misses,
        bool ok) =>
        new(name, model.Name, model.Profile, gib, ops, timed.Wall.TotalNanoseconds / Math.Max(1, ops), timed.Wall.TotalSeconds, verify.TotalSeconds,
            Process.GetCurrentProcess().PeakWorkingSet64, misses, m.Counters.TablesAllocated, m.Memory.FrameCount, ok,
            timed.Cpu.TotalNanoseconds / Math.Max(1, ops));

    /// <summary>Wall time and the process's CPU time (getrusage: microseconds, where /proc's ticks are 10 ms) over the timed part.</summary>
    private sealed class Timer
    {
        private readonly Stopwatch _wall = new();
        private TimeSpan _cpu0;

        public TimeSpan Wall => _wall.Elapsed;
        public TimeSpan Cpu { get; private set; }

        /// <summary>Starts both clocks, right after <paramref name="settle"/> (when given) has run: nothing comes between them.</summary>
        public static Timer Start(Action? settle)
        {
            settle?.Invoke();
            var t = new Timer { _cpu0 = Environment.CpuUsage.TotalTime };
            t._wall.Start();
            return t;
        }

        public void Stop()
        {
            _wall.Stop();
            Cpu = Environment.CpuUsage.TotalTime - _cpu0;
        }
    }
}
