using System.Text.RegularExpressions;
using Pmap.Arch.Arm;
using Pmap.Arch.RiscV;
using Pmap.Core;
using Pmap.Core.Arch;
using Pmap.Core.Scenarios;

namespace Pmap.Ports.Tests;

/// <summary>
/// Every note `pmap layout` and `pmap report` print, for every profile of every shipped architecture, checked against the facts the
/// profile states (pinned to docs/XEN_FACTS.md by ArmReleaseTableTests) and against what its hooks actually execute: a note for each
/// fact that holds, none for one that does not, in the release's own spelling.
/// </summary>
public partial class ProfileNotesTests
{
    public static TheoryData<string, string> Profiles => ShippedProfiles.All();

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Every_note_follows_from_the_profile_s_facts(string arch, string profile)
    {
        var model = ShippedProfiles.Model(arch, profile);
        var notes = model.Notes;
        switch (model)
        {
            case ArmModel arm:
                CheckArm(arm, notes);
                break;
            case RiscVModel:
                {
                    // The A/D note stands for the entry pmap_map writes: Svade faults on a clear A (or D).
                    var pte = PmapSequence.Observe(model, new Mfn(0x80123)).Pte;
                    var adClear = (pte & (Sv39Pte.A | Sv39Pte.D)) != (Sv39Pte.A | Sv39Pte.D);
                    Assert.Equal(adClear, notes.Any(n => n.Contains("A and D clear", StringComparison.Ordinal)));
                    Assert.Single(notes);
                    break;
                }
            default:
                {
                    var f = model.Fixmap;
                    var dead = f.FixPmapEnd - f.FixPmapBegin + 1 > f.NumFixPmap;
                    Assert.Equal(dead, notes.Any(n => n.Contains($"slot {f.FixPmapEnd} is dead", StringComparison.Ordinal)));
                    break;
                }
        }
    }

    private static void CheckArm(ArmModel arm, IReadOnlyList<string> notes)
    {
        var p = arm.ArmProfile;
        var f = arm.Fixmap;
        // The fact the profile states must be what its arch_pmap_map executes.
        var mapOps = PmapSequence.Observe(arm, new Mfn(0x40123)).MapOps;
        Assert.Equal(p.IsbAfterPmapWrite, mapOps.Contains("isb"));

        var top = notes.Where(n => n.Contains("FIXADDR_TOP", StringComparison.Ordinal)).ToList();
        Assert.Equal(p.FixaddrTopOffByOne ? 1 : 0, top.Count);
        if (p.FixaddrTopOffByOne)
        {
            // asm/fixmap.h of the release: FIXMAP_ADDR(FIXMAP_LAST) up to 4.18.x, FIXMAP_ADDR(FIX_LAST) in 4.19.0.
            Assert.Contains($"FIXADDR_TOP = FIXMAP_ADDR({(p.FixNames ? "FIX_LAST" : "FIXMAP_LAST")}) = {f.FixaddrTop}", top[0]);
            Assert.Equal(arm.FixmapAddr(f.FixPmapEnd), f.FixaddrTop);
        }
        var isb = notes.Where(n => n.Contains("isb", StringComparison.Ordinal)).ToList();
        Assert.Equal(p.IsbAfterPmapWrite ? 0 : 1, isb.Count);
        if (!p.IsbAfterPmapWrite) Assert.Contains("has no isb after write_pte", isb[0]);
        Assert.Equal(top.Count + isb.Count, notes.Count);

        // Enum names in the release's spelling (FIXMAP_ADDR is the macro, spelled so in every release).
        foreach (var n in notes)
            Assert.DoesNotMatch(p.FixNames ? FixmapEnumName() : FixEnumName(), n);
    }

    [Theory]
    [InlineData("arm64", "xen-4.18.0")]
    [InlineData("arm64", "xen-4.18.3")]
    [InlineData("arm32", "xen-4.18.2")]
    [InlineData("arm64", "xen-4.19.0")]
    [InlineData("arm32", "xen-4.19.0")]
    // docs/XEN_FACTS.md §1.1: 4.18.0–4.18.3 and 4.19.0 have the isb (feaa9aca87) and still the FIXADDR_TOP off-by-one.
    public void Releases_with_the_isb_and_the_off_by_one_note_only_FIXADDR_TOP(string arch, string profile)
    {
        var notes = ShippedProfiles.Model(arch, profile).Notes;
        Assert.Equal("FIXADDR_TOP", Assert.Single(notes)[..11]);
        Assert.Contains(profile == "xen-4.19.0" ? "FIXMAP_ADDR(FIX_LAST)" : "FIXMAP_ADDR(FIXMAP_LAST)", notes[0]);
    }

    [Theory]
    [InlineData("xen-4.17.7", "never backported to 4.17")]
    [InlineData("xen-4.18.3", "in 4.18 by 87d2cdd513, first in 4.18.4")]
    [InlineData("xen-4.19.0", "in 4.19 by 46a2ce3521, first in 4.19.1")]
    public void The_FIXADDR_TOP_note_names_the_fix_of_the_release_s_branch(string profile, string branchFix)
    {
        var note = ShippedProfiles.Model("arm64", profile).Notes.Single(n => n.StartsWith("FIXADDR_TOP", StringComparison.Ordinal));
        Assert.Contains("fixed upstream by fe3412ab83, first in 4.20.0", note);
        Assert.Contains(branchFix, note);
    }

    [GeneratedRegex(@"\bFIXMAP_(?!ADDR)[A-Z]")]
    private static partial Regex FixmapEnumName();

    [GeneratedRegex(@"\bFIX_[A-Z]")]
    private static partial Regex FixEnumName();
}
