#pragma warning disable CS1591 // Some public members here still lack XML documentation: to fill in (every other file is complete).
namespace Pmap.Core.Machine;

/// <summary>Options of a simulated machine that are not Xen configuration.</summary>
public sealed record MachineOptions
{
    /// <summary>RAM banks; default: the architecture's default bank.</summary>
    public IReadOnlyList<RamBank>? Ram { get; init; }
    public bool TraceEnabled { get; init; } = true;
    public int TlbEntries { get; init; } = 64;
    /// <summary>When set, a walk that uses a PTE not yet made visible (no ISB / fence since the write) sees the old value.</summary>
    public bool StrictOrdering { get; init; }
    /// <summary>Check every hook's sequence against the architecture's maintenance rules (<see cref="XenMachine.Checker"/>).</summary>
    public bool CheckOrdering { get; init; }
    /// <summary>A mutant: delete the operations at these positions of every run of these hooks (implies <see cref="CheckOrdering"/>).</summary>
    public IReadOnlyList<(string Hook, int Index)>? Mutation { get; init; }
    /// <summary>A reviewer's instruction streams in place of arch_pmap_map's and/or arch_pmap_unmap's (the entry stored is the port's).</summary>
    public HookSequences? Sequences { get; init; }
}

/// <summary>A Xen function's extent, for the ordering checker: disposing it ends the function.</summary>
public readonly struct HookScope(XenMachine machine, string? outer, string? outerPmapHook) : IDisposable
{
    public void Dispose() => machine.EndHook(outer, outerPmapHook);
}
