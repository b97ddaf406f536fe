using Pmap.Core;
using Pmap.Core.Arch;
using Pmap.Core.Machine;

namespace Pmap.Ports.Tests;

/// <summary>
/// The benchmarks run machines nobody watches (no trace, no ordering checker), whose primitives and walks take shorter
/// paths. These tests hold those paths to the watched ones: the same work, the same counts, the same translations.
/// </summary>
public class UnwatchedMachineTests
{
    /// <summary>PMAP cycles with a touch (on Arm releases without the ISB, each touch walks a pending entry), then a boot map.</summary>
    private static (string Counters, int Frames, int Tlb, ulong Sum) Work(ArchModel model, MachineOptions options)
    {
        var m = model.Boot(options);
        var sum = 0UL;
        for (var i = 0UL; i < 64; i++)
        {
            var va = m.Pmap.Map(new Mfn(m.Ram[0].Base.ToMfn().Value + 0x100 + i));
            m.WriteVirt64(va.Add(8 * i), i);
            sum += m.ReadVirt64(va.Add(8 * i));
            m.Pmap.Unmap(va);
        }
        if (model.DirectmapVirtStart is { } directmap)
            Assert.Equal(0, model.MapPagesToXen(m, directmap, m.Ram[0].Base.ToMfn(), 600, superpages: false));
        var c = m.Counters;
        var counts = $"{c.PteWrites} {c.Barriers} {c.TlbFlushes} {c.TlbMisses} {c.TablesAllocated} {c.Walks} {c.Hazards}";
        return (counts, m.Memory.FrameCount, m.Tlb.Count, sum);
    }

    [Theory]
    [MemberData(nameof(ShippedProfiles.All), MemberType = typeof(ShippedProfiles))]
    public void An_unwatched_machine_does_what_a_traced_and_a_checked_one_do(string arch, string profile)
    {
        var model = ShippedProfiles.Model(arch, profile);
        var unwatched = Work(model, new MachineOptions { TraceEnabled = false });
        Assert.Equal(Work(model, new MachineOptions { TraceEnabled = true }), unwatched);
        Assert.Equal(Work(model, new MachineOptions { TraceEnabled = false, CheckOrdering = true }), unwatched);
        Assert.Equal((ulong)(63 * 64 / 2), unwatched.Sum);
    }

    [Theory]
    [MemberData(nameof(ShippedProfiles.All), MemberType = typeof(ShippedProfiles))]
    public void The_hardware_walk_fast_path_agrees_with_the_full_walk(string arch, string profile)
    {
        var model = ShippedProfiles.Model(arch, profile);
        var m = model.Boot(new MachineOptions { TraceEnabled = false });
        var mapped = model.DirectmapVirtStart is { } directmap
            && model.MapPagesToXen(m, directmap, m.Ram[0].Base.ToMfn(), 600, superpages: false) == 0;
        var slot = m.Pmap.Map(m.Ram[0].Base.ToMfn());
        m.Ordering.ContextSynchronize(); // releases without the ISB leave the PMAP entry pending: the last test covers that
        var vas = new List<VirtAddr> { slot, slot.Add(Page.Size), m.Arch.Fixmap.FixaddrStart, new(ulong.MaxValue & Page.Mask), new(0) };
        if (model.DirectmapVirtStart is { } d)
            for (var i = 0UL; i < 700; i += 7) vas.Add(d.Add(i << Page.Shift)); // past the 600 mapped pages too
        var translated = 0;
        foreach (var va in vas)
        {
            var full = m.Walker.Walk(m.Cpu.Root, va, null, hardware: true, out var leaf, out var level, out _);
            // Nothing is pending, so the fast path gives up exactly where the full walk faults.
            Assert.Equal(full is not null, m.Walker.TryHardwareWalk(m.Cpu.Root, va, out var pa, out var fastLeaf, out var fastLevel));
            if (full is null) continue;
            translated++;
            Assert.Equal((full.Value, leaf, level), (pa, fastLeaf, fastLevel));
        }
        Assert.True(translated >= (mapped ? 87 : 1) && translated < vas.Count, $"{translated} of {vas.Count} walks translate");
    }

    [Fact]
    public void The_fast_path_leaves_a_pending_entry_to_the_full_walk()
    {
        // xen-4.17 Arm64 has no ISB after the PMAP PTE write: the touch's walk meets the pending entry and must report it.
        var m = ShippedProfiles.Model("arm64", "xen-4.17").Boot(new MachineOptions { TraceEnabled = false });
        var va = m.Pmap.Map(m.Ram[0].Base.ToMfn());
        Assert.True(m.Ordering.HasPending);
        Assert.False(m.Walker.TryHardwareWalk(m.Cpu.Root, va, out _, out _, out _));
        var hazards = m.Counters.Hazards;
        m.WriteVirt64(va, 1);
        Assert.Equal(hazards + 1, m.Counters.Hazards);
    }
}
