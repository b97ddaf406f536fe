using CsCheck;
using Pmap.Core.Arch;
using Pmap.Core.Machine;
using Pmap.Core.Scenarios;

namespace Pmap.Ports.Tests;

/// <summary>
/// Random pmap_map / pmap_unmap / touch / system_state / IRQ sequences on every shipped architecture and
/// profile, with pmap.c's invariants checked after each operation (PmapFuzz) and CsCheck shrinking a failure
/// to a minimal sequence. A quick size here; `pmap fuzz --count N` runs long ones.
/// </summary>
public class RandomOperationsTests
{
    // Frames in a 16 MiB window, live indexes, early_boot or smp_boot, an IRQ count of 0 or 1.
    private static readonly Gen<FuzzOp> Op = Gen.Int[0, 99].Select(Gen.ULong[0, 0xffff], (pick, arg) => pick switch
    {
        < 35 => new FuzzOp(FuzzOpKind.Map, 0x40000 + (arg & 0xfff)),
        < 65 => new FuzzOp(FuzzOpKind.Unmap, arg),
        < 94 => new FuzzOp(FuzzOpKind.Touch, arg),
        < 97 => new FuzzOp(FuzzOpKind.State, (arg & 3) == 0 ? (ulong)SystemState.SmpBoot : (ulong)SystemState.EarlyBoot),
        _ => new FuzzOp(FuzzOpKind.Irq, arg & 1),
    });

    [Theory]
    [MemberData(nameof(ShippedProfiles.All), MemberType = typeof(ShippedProfiles))]
    public void Random_operations_find_nothing_the_port_s_facts_do_not_predict(string arch, string profile)
    {
        var model = ShippedProfiles.Model(arch, profile);
        // A release's known bugs (FIXADDR_TOP, the missing ISB) are findings; anything else, an invariant included, is not allowed.
        var bug = FuzzFindingTests.VirtToFixRefusesAPmapSlot(model.Fixmap);
        var hazard = FuzzFindingTests.MapLacksASynchronisation(model);
        Op.Array[1, 80].Sample(ops => PmapFuzz.Check(model, ops) is not { } f
                || (f.Site.Kind == FuzzSiteKind.Bug && f.Site.Where == "virt_to_fix" && bug) || (f.Site.Kind == FuzzSiteKind.Hazard && hazard),
            iter: 25, threads: 1, print: ops => string.Join("; ", ops) + " -> " + PmapFuzz.Check(model, ops));
    }
}
