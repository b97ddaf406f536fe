using Pmap.Core.Arch;
using Pmap.Core.Scenarios;
using Pmap.Verify.RealAsm;
using Pmap.Verify.RealXen;

namespace Pmap.Verify.Tests;

/// <summary>
/// Each release held to the ordering of its real build, with no QEMU: the pmap_map and pmap_unmap instruction streams that
/// tools/xen-releases/record.sh recorded (single-stepped under QEMU by `pmap hazards --xen-image`, and read from xen-syms by
/// `--static`) are replayed through the same rule checker. Xen's history says what it must find: 4.17.x lacks the isb after
/// write_pte's dsb in arch_pmap_map, which feaa9aca87 ("xen/arm: pmap: Add missing ISB in arch_pmap_map()", first released in
/// RELEASE-4.18.0) added; from 4.18.0 nothing is missing.
/// </summary>
public class RecordedHazardsTests
{
    private static readonly string[] Names = ["4.17.7-debian", "4.18.6", "4.19.6", "4.20.4", "4.21.2", "4.22.0", "upstream"];

    public static TheoryData<string> Builds => [.. Names];

    /// <summary>The branch's alias profile (`pmap hazards --profile xen-4.18`), the profile a user names.</summary>
    public static TheoryData<string, string> BuildsWithBranchProfile => new()
    {
        { "4.17.7-debian", "xen-4.17" },
        { "4.18.6", "xen-4.18" },
        { "4.19.6", "xen-4.19" },
        { "4.20.4", "xen-4.20" },
        { "4.21.2", "xen-4.21" },
        { "4.22.0", "xen-4.22" },
        { "upstream", "upstream" },
    };

    private static bool Is417(string name) => name.StartsWith("4.17", StringComparison.Ordinal);

    /// <summary>What Xen's history says each release's pmap_map and pmap_unmap break: "RULE call".</summary>
    private static string[] Expected(string name) => Is417(name) ? ["ARM-NEW-ISB pmap_map"] : [];

    private static (XenBuildRecord Record, ArchModel Model, RecordedStreams Streams) Load(string name, string mode = "dynamic")
    {
        var r = RecordedBuildTests.Load(name);
        var model = Models.Model("arm64", r.Profile);
        return (r, model, RecordedStreams.Read(r, model, mode));
    }

    private static string[] Found(IEnumerable<RealHazard> hazards) => [.. hazards.Select(h => $"{h.Rule.Id} {h.Call}")];

    [Theory]
    [MemberData(nameof(Builds))]
    public void The_replayed_streams_break_what_Xens_history_says(string name)
    {
        var (r, model, streams) = Load(name);
        Assert.Empty(streams.Undeclared);
        var hazards = streams.Replay(model, r);
        Assert.Equal(Expected(name), Found(hazards));
        if (!Is417(name)) return;
        // The isb is missing after write_pte's trailing dsb sy, which is inline in pmap_map.
        var h = Assert.Single(hazards);
        Assert.Equal(("pmap_map", "dsb sy", false), (h.At.Function, h.At.Decoded.Text, h.Before));
        Assert.Equal("isb", h.Rule.Missing);
        Assert.InRange(h.At.Pc, Convert.ToUInt64(r.Symbols["pmap_map"], 16), Convert.ToUInt64(r.Symbols["pmap_unmap"], 16) - 1);
        // Debian's build: the dsb sy at 0x2aaacc (docs/XEN_FACTS.md, its pmap_map disassembled).
        if (name == "4.17.7-debian") Assert.Equal(0x2aaaccUL, h.At.Pc);
    }

    /// <summary>The replay finds what the trace found when it was recorded, at the same instruction.</summary>
    [Theory]
    [MemberData(nameof(Builds))]
    public void The_replay_finds_the_recorded_hazards(string name)
    {
        foreach (var mode in new[] { "dynamic", "static" })
        {
            var (r, model, streams) = Load(name, mode);
            var replayed = streams.Replay(model, r).Select(h => new RecordedHazard(h.Rule.Id, h.Call, h.At.Function, Hex.Format(h.At.Pc),
                h.At.Decoded.Text, h.Before ? "before" : "after"));
            Assert.Equal(streams.Hazards, replayed);
        }
    }

    /// <summary>Read from xen-syms alone, the build's functions break the same rules at the same instructions as when executed.</summary>
    [Theory]
    [MemberData(nameof(Builds))]
    public void Static_and_dynamic_agree(string name)
    {
        var (r, model, dynamic) = Load(name);
        var (_, _, stat) = Load(name, "static");
        Assert.Equal(dynamic.Replay(model, r).Select(h => (h.Rule.Id, h.Call, h.At.Pc)), stat.Replay(model, r).Select(h => (h.Rule.Id, h.Call, h.At.Pc)));
        Assert.True(r.Hazards!.Value.GetProperty("staticAgrees").GetBoolean());
    }

    /// <summary>The model of the release (`pmap hazards --arch arm64 --profile xen-4.18`) breaks the rules its real build breaks.</summary>
    [Theory]
    [MemberData(nameof(BuildsWithBranchProfile))]
    public void The_branch_profiles_model_agrees_with_its_build(string name, string profile)
    {
        var (r, _, streams) = Load(name);
        var model = Models.Model("arm64", profile);
        Assert.Equal(r.Profile, BuildProfile.ReleaseOf(Models.Architecture("arm64"), profile));
        var agreement = RealHazards.Agreement(HazardScenarios.Run(model), streams.Replay(model, r));
        Assert.Equal(Expected(name), agreement.SelectMany(a => a.ModelRules.Select(rule => $"{rule} {a.Call}")));
        Assert.All(agreement, a => Assert.True(a.Agrees, $"{a.Call}: model {string.Join(",", a.ModelRules)}, binary {string.Join(",", a.RealRules)}"));
    }

    /// <summary>
    /// The streams account for every PMAP call the record's other trace (verify's breakpoints) saw, and each holds what the rules
    /// judge: pmap_map one store of a valid entry into xen_fixmap over an invalid one; pmap_unmap one store of 0 over a valid one
    /// and a tlbi of the slot's VA.
    /// </summary>
    [Theory]
    [MemberData(nameof(Builds))]
    public void The_streams_are_every_PMAP_call_of_the_boot(string name)
    {
        var (r, model, streams) = Load(name);
        Assert.Equal(r.PmapCalls.Count, streams.TracedCalls);
        var counts = streams.Calls.DistinctBy(c => c.Instructions).Zip(streams.CallsPerStream).ToList();
        Assert.Equal(r.PmapCalls.Count(c => c.Op == "map"), counts.Where(x => x.First.Call == "pmap_map").Sum(x => x.Second));
        Assert.Equal(r.PmapCalls.Count(c => c.Op == "unmap"), counts.Where(x => x.First.Call == "pmap_unmap").Sum(x => x.Second));
        var fixmap = Convert.ToUInt64(r.Symbols["xen_fixmap"], 16);
        foreach (var call in streams.Calls)
        {
            var store = Assert.Single(call.Instructions, i => i.Role == RealRole.PteStore);
            Assert.InRange(store.EntryVa!.Value, fixmap, fixmap + 0xfff);
            var map = call.Call == "pmap_map";
            Assert.Equal((map ? 0UL : 1UL, map ? 1UL : 0UL), (store.Old & 1, store.New & 1));
            if (map) continue;
            var tlbi = Assert.Single(call.Instructions, i => i.Role == RealRole.Invalidate);
            // The VA the entry translates: xen_fixmap covers the 2 MiB block holding FIXADDR_START, an entry a page.
            var va = (model.Fixmap.FixaddrStart.Value & ~0x1fffffUL) + ((store.EntryVa.Value - fixmap) / 8 << 12);
            Assert.Equal(va, tlbi.Va);
        }
    }

    /// <summary>
    /// The replay is a real check, not an empty list: deleting pmap_unmap's tlbi breaks ARM-RM-TLBI in every build, and deleting
    /// the isb that follows pmap_map's PTE store breaks ARM-NEW-ISB from 4.18 (4.17 has none to delete).
    /// </summary>
    [Theory]
    [MemberData(nameof(Builds))]
    public void Deleting_a_needed_instruction_is_found(string name)
    {
        var (r, model, streams) = Load(name);
        var fixmap = Convert.ToUInt64(r.Symbols["xen_fixmap"], 16);
        var ordering = new RealOrdering(model, new RealClassifier(model, fixmap, _ => null), Convert.ToUInt64(r.LoadAddress, 16) - Convert.ToUInt64(r.Symbols["_start"], 16));
        bool Tlbi(int c, int k) => streams.Calls[c].Instructions[k].Role == RealRole.Invalidate;
        Assert.Contains("ARM-RM-TLBI pmap_unmap", Found(ordering.Check(streams.Calls, Tlbi)));
        var isbAfterStore = streams.Calls.Select(c => c.Instructions.Select((i, k) => (i, k))
            .SkipWhile(x => x.i.Role != RealRole.PteStore).FirstOrDefault(x => x.i.Role == RealRole.ContextSync)).ToList();
        var mapHasIsb = streams.Calls.Select((c, n) => (c, n)).Where(x => x.c.Call == "pmap_map").All(x => isbAfterStore[x.n].i is not null);
        Assert.Equal(!Is417(name), mapHasIsb);
        if (Is417(name)) return;
        bool Isb(int c, int k) => streams.Calls[c].Call == "pmap_map" && isbAfterStore[c].i is not null && k == isbAfterStore[c].k;
        Assert.Equal(["ARM-NEW-ISB pmap_map"], Found(ordering.Check(streams.Calls, Isb)));
    }
}
