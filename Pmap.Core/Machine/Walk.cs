using Pmap.Core.Arch;

namespace Pmap.Core.Machine;

/// <summary>One level of a table walk: the table, the index into it and the entry found.</summary>
public readonly record struct WalkStep(int Level, PhysAddr Table, int Index, ulong Entry, PteKind Kind);

/// <summary>Why a translation failed, and at which level.</summary>
public sealed record TranslationFault(VirtAddr Va, int? Level, string Reason)
{
    public string Describe() => Level is null ? $"translation fault at VA {Va}: {Reason}" : $"translation fault at VA {Va}, level {Level}: {Reason}";
}

/// <summary>The full result of a walk for display: every level, then the PA or the fault.</summary>
public sealed record WalkResult(VirtAddr Va, PhysAddr? Pa, TranslationFault? Fault, IReadOnlyList<WalkStep> Steps, ulong LeafEntry, int? LeafLevel);
