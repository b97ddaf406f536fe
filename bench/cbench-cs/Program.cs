using System.Diagnostics;
using System.Globalization;

namespace CBench;

/// <summary>A panic, BUG or failed ASSERT: cbench prints it and exits 2.</summary>
internal sealed class XenDied(string kind, string what) : Exception($"{kind}: {what}");

internal static class Program
{
    private sealed record Result(string Workload, ulong Gib, ulong Ops, ulong TlbMisses, double Seconds, double VerifySeconds, double CpuSeconds,
        bool Ok);

    private static ulong XorShift64(ref ulong x)
    {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        return x;
    }

    private static ulong Walks(ulong n, ulong mask)
    {
        var (x, bad) = (Model.Seed, 0UL);
        for (var i = 0UL; i < n; i++)
        {
            var off = XorShift64(ref x) & mask;
            if (Model.Walk(Model.DirectmapVirtStart + off) != (Model.RamBaseMfn << 12) + off) bad++;
        }
        return bad;
    }

    private static Result W1(ulong n)
    {
        Model.Boot(1);
        var misses0 = Model.TlbMisses;
        var (c0, t0) = (Cpu(), Stopwatch.GetTimestamp());
        for (var i = 0UL; i < n; i++)
        {
            var va = Model.PmapMap(Model.RamBaseMfn + (i & 1023));
            Model.Store64(va, i);
            Model.PmapUnmap(va);
        }
        var (seconds, cpu) = (Stopwatch.GetElapsedTime(t0).TotalSeconds, Cpu() - c0);
        var ok = Model.InUse == 0;
        for (var j = 0UL; j < n && j < 1024; j++) ok &= Model.PhysRead((Model.RamBaseMfn + j) << 12) == (n - 1 - j) / 1024 * 1024 + j;
        return new Result("W1", 1, n, Model.TlbMisses - misses0, seconds, 0, cpu, ok);
    }

    private static Result W2(ulong n)
    {
        Model.Boot(1);
        var rc = Model.MapPagesToXen(Model.DirectmapVirtStart, Model.RamBaseMfn, Model.PagesPerGib); // untimed
        var misses0 = Model.TlbMisses;
        var (c0, t0) = (Cpu(), Stopwatch.GetTimestamp());
        var bad = Walks(n, (1UL << 30) - 1);
        return new Result("W2", 1, n, Model.TlbMisses - misses0, Stopwatch.GetElapsedTime(t0).TotalSeconds, 0, Cpu() - c0, rc == 0 && bad == 0);
    }

    private static Result W3(ulong gib, ulong verifyWalks)
    {
        Model.Boot(gib);
        var pages = gib * Model.PagesPerGib;
        var misses0 = Model.TlbMisses;
        var (c0, t0) = (Cpu(), Stopwatch.GetTimestamp());
        var rc = Model.MapPagesToXen(Model.DirectmapVirtStart, Model.RamBaseMfn, pages);
        var (seconds, cpu) = (Stopwatch.GetElapsedTime(t0).TotalSeconds, Cpu() - c0);
        var misses = Model.TlbMisses - misses0;
        var t1 = Stopwatch.GetTimestamp();
        var bad = Walks(verifyWalks, (gib << 30) - 1);
        return new Result("W3", gib, pages, misses, seconds, Stopwatch.GetElapsedTime(t1).TotalSeconds, cpu, rc == 0 && Model.InUse == 0 && bad == 0);
    }

    private static double Cpu() => Environment.CpuUsage.TotalTime.TotalSeconds; // getrusage: microseconds, where /proc's ticks are 10 ms

    private static int Usage(string why)
    {
        Console.Error.WriteLine($"cbench-cs: {why}\nusage: cbench-cs w1|w2|w3 [--backend sparse] [-n N] [-g GIB]");
        return 2;
    }

    private static int Main(string[] args)
    {
        if (args.Length < 1) return Usage("no workload");
        ulong n = 0, gib = 1;
        for (var i = 1; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "-n" when ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out n) && n > 0: i++; break;
                case "-g" when ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out gib) && gib is > 0 and <= 1024: i++; break;
                case "--backend" when value == "sparse": i++; break;
                default: return Usage($"bad argument '{args[i]}'");
            }
        }
        var workload = args[0].ToUpperInvariant();
        if (workload is not ("W1" or "W2" or "W3")) return Usage("the workload is w1, w2 or w3");
        Result Run(bool warmUp) => workload switch
        {
            "W1" => W1(warmUp ? 2_000_000 : n > 0 ? n : 20_000_000),
            "W2" => W2(warmUp ? 2_000_000 : n > 0 ? n : 20_000_000),
            _ => warmUp ? W3(1, 100_000) : W3(gib, n > 0 ? n : 1_000_000),
        };
        try
        {
            // Short runs first, so that the timed one runs fully optimised code (cbench needs none): tiered compilation starts
            // counting calls only after 100 ms without a new first-tier compile, and compiles the hot methods in the background.
            for (var i = 0; i < 3; i++)
            {
                Run(warmUp: true);
                Thread.Sleep(200);
            }
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            var r = Run(warmUp: false);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{{\"workload\":\"{r.Workload}\",\"backend\":\"sparse\",\"gib\":{r.Gib},\"ops\":{r.Ops}," +
                $"\"ns_per_op\":{r.Seconds * 1e9 / r.Ops:F2}," +
                $"\"cpu_ns_per_op\":{r.CpuSeconds * 1e9 / r.Ops:F2},\"total_s\":{r.Seconds:F4},\"verify_s\":{r.VerifySeconds:F4}," +
                $"\"peak_rss_kib\":{Process.GetCurrentProcess().PeakWorkingSet64 / 1024},\"tlb_misses\":{r.TlbMisses}," +
                $"\"tables\":{Model.TablesCreated},\"frames\":{Model.FrameCount},\"check\":\"{(r.Ok ? "ok" : "FAILED")}\"}}"));
            return r.Ok ? 0 : 1;
        }
        catch (XenDied e)
        {
            Console.Error.WriteLine($"cbench-cs: {e.Message}");
            return 2;
        }
    }
}
