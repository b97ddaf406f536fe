using Pmap.Core.Arch;
using Pmap.Core.Machine;

namespace Pmap.Core.Scenarios;

/// <summary>One fixmap index: its name, address and the static leaf-table entry that backs it (null when none does).</summary>
public sealed record FixmapSlot(int Index, string Name, VirtAddr Va, string? Table, int? Entry);

/// <summary>The fixmap of a freshly booted machine, every index with the entry the boot tables give it.</summary>
public static class FixmapSlots
{
    /// <summary>Every fixmap slot of the model, with its name and address.</summary>
    public static IReadOnlyList<FixmapSlot> Of(ArchModel model)
    {
        var m = model.Boot(new MachineOptions { TraceEnabled = false });
        var f = model.Fixmap;
        var slots = new List<FixmapSlot>(f.EndOfFixedAddresses);
        for (var i = 0; i < f.EndOfFixedAddresses; i++)
        {
            var va = f.FixToVirt(i);
            // The walk of a slot that is not mapped yet stops at its leaf entry when the static tables reach that far.
            var steps = m.WalkDetailed(va).Steps;
            var last = steps.Count > 0 ? steps[^1] : default;
            var backed = last.Level == model.Format.LeafLevel && m.TableName(last.Table) == f.TableName && model.Format.IsValidVa(va);
            slots.Add(new FixmapSlot(i, f.NameOf(i), va, backed ? f.TableName : null, backed ? last.Index : null));
        }
        return slots;
    }
}
