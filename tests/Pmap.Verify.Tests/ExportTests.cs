using Pmap.Core;
using Pmap.Core.Machine;
using Pmap.Qemu;

namespace Pmap.Verify.Tests;

/// <summary>Export, placement and sampling, checked against the model itself: no QEMU needed.</summary>
public class ExportTests
{
    [Theory]
    [MemberData(nameof(Models.All), MemberType = typeof(Models))]
    public void Placed_tables_translate_every_sampled_va_as_the_model_does(string arch)
    {
        var model = Models.Model(arch);
        var (m, landmarks) = Verifier.Run(model, VerifyScenario.Boot);
        var snapshot = TableExport.Export(m);
        Assert.Equal(m.Cpu.Root, snapshot.Root);
        var target = VerifyTargets.For(model);
        var placed = TableExport.Place(snapshot, m.Codec, m.Format, target);
        Assert.All(placed.Tables.Tables, t => Assert.True(target.IsGuestRam(t.Pa.Value, Page.Size)));
        Assert.Equal(snapshot.Tables.Count, placed.Tables.Tables.Select(t => t.Pa).Distinct().Count());

        // The placed copy in a memory of its own, walked by the model's own walker.
        var memory = new PhysicalMemory();
        foreach (var t in placed.Tables.Tables) t.Entries.CopyTo(memory.GetOrCreateFrame(t.Pa.ToMfn()), 0);
        var walker = new Walker(memory, m.Format, m.Codec, new Ordering(), new MachineCounters());
        var vas = landmarks.Concat(VaSampler.Sample(snapshot, m.Format, m.Codec)).Where(v => m.Format.IsValidVa(new VirtAddr(v.Va))).ToList();
        Assert.NotEmpty(vas);
        foreach (var v in vas)
        {
            var expected = m.WalkFast(new VirtAddr(v.Va), out _, out _, out _);
            var got = walker.Walk(placed.Tables.Root, new VirtAddr(v.Va), null, false, out _, out _, out _);
            Assert.Equal(expected?.Value, got is { } g ? placed.ToModel(g.Value) : null);
        }
    }

    [Fact]
    public void Boot_tables_outside_probe_ram_are_moved()
    {
        // x86's default RAM starts at 4 GiB, beyond QEMU's 1 GiB: the boot allocator's pages must move.
        var model = Models.Model("x86");
        var (m, _) = Verifier.Run(model, VerifyScenario.Boot);
        var target = VerifyTargets.For(model);
        var placed = TableExport.Place(TableExport.Export(m), m.Codec, m.Format, target);
        Assert.NotEmpty(placed.Moves);
        Assert.All(placed.Moves.Keys, from => Assert.False(target.IsGuestRam(from)));
    }

    [Theory]
    [InlineData("arm64")]
    [InlineData("x86")]
    public void The_map_scenario_samples_every_pmap_slot_and_every_leaf_size(string arch)
    {
        var model = Models.Model(arch);
        var (m, landmarks) = Verifier.Run(model, VerifyScenario.Map);
        var slots = landmarks.Where(l => l.What.StartsWith("PMAP slot", StringComparison.Ordinal)).ToList();
        Assert.Equal(model.Fixmap.NumFixPmap, slots.Count);
        Assert.All(slots, s => Assert.NotNull(m.WalkFast(new VirtAddr(s.Va), out _, out _, out _)));
        var sampled = VaSampler.Sample(TableExport.Export(m), m.Format, m.Codec);
        foreach (var level in m.Format.WalkOrder)
        {
            var hasLeaf = TableExport.Export(m).Tables.Any(t => t.Level == level
                && t.Entries.Any(e => m.Codec.Classify(e, level) is PteKind.Block or PteKind.Page));
            if (hasLeaf) Assert.Contains(sampled, v => v.What.StartsWith(Hex.FormatSize(m.Format.LevelSize(level)), StringComparison.Ordinal));
        }
        Assert.Contains(sampled, v => v.What.StartsWith("unmapped", StringComparison.Ordinal));
    }

    /// <summary>The shared sampler covers the edges of every mapping: the words just outside each run of valid entries.</summary>
    [Theory]
    [MemberData(nameof(Models.All), MemberType = typeof(Models))]
    public void Every_run_of_valid_entries_is_sampled_just_outside_both_ends(string arch)
    {
        var model = Models.Model(arch);
        var (m, landmarks) = Verifier.Run(model, VerifyScenario.Boot);
        var snapshot = TableExport.Export(m);
        var sampled = VaSampler.Sample(snapshot, m.Format, m.Codec);
        // Every fixmap slot at two points, whether mapped or not.
        Assert.Equal(2 * model.Fixmap.EndOfFixedAddresses, landmarks.Count(l => l.What.StartsWith("fixmap slot", StringComparison.Ordinal)));
        Assert.InRange(landmarks.Concat(sampled).DistinctBy(v => v.Va).Count(), 200, 5000);
        // Each run of valid entries that starts after an invalid one is asked about at the word before it.
        var starts = snapshot.Tables.SelectMany(t => Enumerable.Range(1, t.Entries.Length - 1)
            .Where(i => m.Codec.Classify(t.Entries[i], t.Level) != PteKind.Invalid && m.Codec.Classify(t.Entries[i - 1], t.Level) == PteKind.Invalid)
            .Select(i => $"last word before a run of level {t.Level} entries from {i}")).ToList();
        Assert.NotEmpty(starts);
        Assert.All(starts, label => Assert.Contains(sampled, v => v.What == label));
        // What the sampler calls unmapped is: the model's own walk faults there.
        var unmapped = sampled.Where(v => v.What.StartsWith("unmapped", StringComparison.Ordinal)).ToList();
        Assert.InRange(unmapped.Count, snapshot.Tables.Count, int.MaxValue);
        Assert.All(unmapped, v => Assert.Null(m.WalkFast(new VirtAddr(v.Va), out _, out _, out _)));
    }
}
