using Pmap.Arch.Arm;
using Pmap.Core;
using Pmap.Core.Arch;
using Pmap.Core.Machine;
using Pmap.Core.Scenarios;

namespace Pmap.Arch.Arm64.Tests;

/// <summary>
/// The boot's verification per leaf (each leaf entry once, a sample of its pages walked) against the exhaustive one
/// (every page walked): the same leaves, counts and first mismatch, on good tables and on corrupted ones.
/// </summary>
public class BootVerificationTests
{
    // 3 GiB at 0x40010000: 64 KiB aligned only, so the directmap starts with 4 KiB pages (with contiguous runs of 16),
    // then 2 MiB blocks up to the first 1 GiB boundary, 1 GiB blocks, and 4 KiB pages at the end.
    private const ulong RamBase = 0x40010000, RamSize = 3UL << 30;

    private static (XenMachine M, DirectmapMapping Mapped) Boot(string profile)
    {
        var bank = new RamBank(new PhysAddr(RamBase), RamSize);
        var m = new Arm64Architecture().Create(ArchSettings.For(profile)).Boot(new MachineOptions { Ram = [bank], TraceEnabled = false });
        return (m, BootScenario.Run(m, bank).Mapped);
    }

    /// <summary>The leaves the tables hold, found the way the per-page verification always did: one walk per page.</summary>
    private static List<MappedLeaf> LeavesByWalkingEveryPage(XenMachine m, DirectmapMapping mapped)
    {
        var leaves = new List<MappedLeaf>();
        for (var page = 0UL; page < mapped.Pages; page++)
        {
            var va = mapped.Va.Add(page << Page.Shift);
            var pa = m.WalkFast(va, out var leaf, out var level, out _);
            Assert.Equal(mapped.Pa.Add(page << Page.Shift), pa);
            if (leaves.Count == 0 || leaves[^1].Entry != leaf || leaves[^1].Level != level) leaves.Add(new MappedLeaf(va, level, leaf));
        }
        return leaves;
    }

    private static (MappingCheck Check, List<MappedLeaf> Leaves) Verify(XenMachine m, DirectmapMapping mapped, bool everyPage)
    {
        var leaves = new List<MappedLeaf>();
        return (BootVerification.Verify(m, mapped, everyPage, leaves), leaves);
    }

    [Theory]
    [InlineData("xen-4.17")]
    [InlineData("upstream")]
    public void Per_leaf_verification_finds_the_leaves_every_page_walks_find(string profile)
    {
        var (m, mapped) = Boot(profile);
        var golden = LeavesByWalkingEveryPage(m, mapped);
        var (leaf, leafLeaves) = Verify(m, mapped, everyPage: false);
        var (page, pageLeaves) = Verify(m, mapped, everyPage: true);

        Assert.Equal(golden, leafLeaves);
        Assert.Equal(golden, pageLeaves);
        // Head: 0x40010000 to 0x40200000 is 496 pages of 4 KiB (31 runs of 16 with the contiguous hint); 511 blocks of 2 MiB
        // reach 0x80000000; two of 1 GiB reach 0x100000000; the tail is 16 pages of 4 KiB to 0x100010000.
        Assert.Equal((RamSize >> 12, 2L, 511L, 512L), (leaf.Verified, leaf.Sizes["1G"], leaf.Sizes["2M"], leaf.Sizes["4K"]));
        Assert.Equal(leaf.Sizes, page.Sizes);
        Assert.Equal((page.Verified, page.Contiguous, page.Mismatch), (leaf.Verified, leaf.Contiguous, leaf.Mismatch));
        Assert.Null(leaf.Mismatch);
    }

    public static TheoryData<string, ulong> Corruptions => new()
    {
        // A 2 MiB block pointing 2 MiB further: all of its 512 pages map elsewhere.
        { "2M output", 0x200000 },
        // A 4 KiB page made invalid: one page faults.
        { "4K invalid", 0 },
        // A 1 GiB block made read-only: its pages translate, with the wrong attributes.
        { "1G read-only", Lpae.Ro },
    };

    [Theory]
    [MemberData(nameof(Corruptions))]
    public void Both_verifications_catch_a_corrupted_entry_alike(string what, ulong change)
    {
        var (m, mapped) = Boot("upstream");
        var (pa, lost) = what switch
        {
            "2M output" => (0x40600000UL, 512UL), // the third 2 MiB block
            "4K invalid" => (0x40015000UL, 1UL),
            _ => (0x80000000UL, 262144UL), // the first 1 GiB block
        };
        var walk = m.WalkDetailed(mapped.Va.Add(pa - mapped.Pa.Value));
        var leafStep = walk.Steps[^1];
        var entryPa = leafStep.Table.Add((ulong)leafStep.Index * 8);
        m.Memory.Write64(entryPa, what == "4K invalid" ? 0 : what == "2M output" ? leafStep.Entry + change : leafStep.Entry | change);

        var (leaf, _) = Verify(m, mapped, everyPage: false);
        var (page, _) = Verify(m, mapped, everyPage: true);

        Assert.Equal((RamSize >> 12) - lost, leaf.Verified);
        Assert.NotNull(leaf.Mismatch);
        Assert.Equal((page.Verified, page.Mismatch), (leaf.Verified, leaf.Mismatch));
    }
}
