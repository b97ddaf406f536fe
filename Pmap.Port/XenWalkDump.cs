namespace Pmap.Port;

/// <summary>
/// How a port's Xen prints one page-table walk on its console (Arm: dump_hyp_walk and dump_pt_walk), so that
/// `pmap dump --format xen` can be diffed with a console log: the header line for a VA and the root table's address,
/// then one line per entry read from the root down, stopping after a leaf or an entry that is not a table link.
/// </summary>
/// <param name="Function">The Xen function whose printk formats these are, with its file.</param>
/// <param name="Header">The line before the walk, from the VA and the root table's physical address (TTBR, CR3).</param>
/// <param name="Entry">One entry's line from its level (as the format numbers it), its index in the table and its raw value.</param>
public sealed record XenWalkDump(string Function, Func<VirtAddr, PhysAddr, string> Header, Func<int, int, ulong, string> Entry);
