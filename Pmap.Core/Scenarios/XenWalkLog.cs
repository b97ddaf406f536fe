using Pmap.Core.Machine;

namespace Pmap.Core.Scenarios;

/// <summary>
/// What Xen's own walk dump (the port's <see cref="XenWalkDump"/>, Arm's dump_hyp_walk) prints for a VA on this machine, line by
/// line as its console shows them ("(XEN) " first): read from the tables in memory, not the TLB, as Xen reads them.
/// </summary>
public static class XenWalkLog
{
    /// <summary>The console lines of one walk of <paramref name="va"/> from the machine's root.</summary>
    public static IEnumerable<string> Lines(ArchModel model, XenMachine machine, VirtAddr va)
    {
        var dump = model.WalkDump ?? throw new PmapUsageException(
            $"--format xen: Xen on {model.Name} has no page-walk dump to match (dump_hyp_walk is Arm's): use --format text");
        var format = model.Format;
        var table = machine.Cpu.Root;
        yield return XenConsole.Prefix + dump.Header(va, table);
        foreach (var level in format.WalkOrder)
        {
            var index = format.Index(va, level);
            var raw = machine.ReadPhys64(table.Add((ulong)index * Page.EntryBytes));
            yield return XenConsole.Prefix + dump.Entry(level, index, raw);
            // Xen stops after the leaf level, an invalid entry or a block: only a table link is followed.
            if (level == format.LeafLevel || model.Codec.Classify(raw, level) != PteKind.Table) yield break;
            table = model.Codec.OutputAddress(raw, level);
        }
    }
}
