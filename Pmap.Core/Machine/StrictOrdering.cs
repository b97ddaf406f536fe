
namespace Pmap.Core.Machine;

/// <summary>A walk under strict ordering that saw an entry's old value: the store it missed was not yet synchronised.</summary>
/// <param name="Va">The address translated.</param>
/// <param name="Table">The table holding the entry.</param>
/// <param name="Index">The entry's index in it.</param>
/// <param name="Entry">The value stored.</param>
/// <param name="Before">The value the walk used instead.</param>
internal readonly record struct StaleUse(VirtAddr Va, PhysAddr Table, int Index, ulong Entry, ulong Before);

/// <summary>Why a fault under <see cref="MachineOptions.StrictOrdering"/> happened, in the terms of the Xen code that missed a step.</summary>
internal static class StrictOrdering
{
    /// <summary>
    /// "pmap_map(0x40297) stored xen_fixmap[66] = ... for slot FIX_PMAP_BEGIN (VA 0x442000) with no isb after it: ..." when the
    /// entry is a PMAP slot pmap_map filled; otherwise the store named by its table and index.
    /// </summary>
    public static string Cause(XenMachine m, StaleUse s)
    {
        var missing = m.Arch.Maintenance.Find(RuleCheck.NewEntryContextSync)?.Missing ?? "context synchronisation";
        var store = $"{m.TableName(s.Table)}[{s.Index}] = {Hex.Format(s.Entry)}";
        var used = $"so the walk used the old entry {Hex.Format(s.Before)} (strict ordering)";
        var fixmap = m.Arch.Fixmap;
        var page = new VirtAddr(s.Va.Value & Page.Mask);
        for (var idx = 0; idx < m.Pmap.NumFixPmap; idx++)
        {
            var slot = fixmap.FixPmapBegin + idx;
            if (!m.Pmap.IsInUse(idx) || fixmap.FixToVirt(slot) != page) continue;
            var mfn = m.Codec.OutputAddress(s.Entry, m.Format.LeafLevel).ToMfn();
            return $"pmap_map({mfn}) stored {store} for slot {slot} ({fixmap.NameOf(slot)}, VA {page}) and no {missing} followed it, {used}";
        }
        return $"the store {store} had no {missing} after it, {used}";
    }
}
