namespace Pmap.Qemu;

/// <summary>One page of table entries at a guest physical address (written little-endian, 8 bytes an entry).</summary>
public sealed record TablePage(ulong Pa, ulong[] Entries);

/// <summary>
/// What the MMU said about one virtual address: the physical address, or a fault. On Arm the fault kind and level
/// come from PAR.FST (<c>translation</c>, <c>access-flag</c>, <c>permission</c>, <c>address-size</c>, ...); the
/// monitor's walk on x86 and RISC-V only says <c>unmapped</c>, without a level.
/// </summary>
public sealed record ProbeResult(ulong Va, ulong? Pa, int? FaultLevel, string? FaultKind)
{
    /// <summary>The raw PAR the Arm stub read back (null on x86 and RISC-V).</summary>
    public ulong? Par { get; init; }

    public bool IsMapped => Pa is not null;

    public override string ToString() => Pa is { } pa
        ? $"0x{Va:x} -> 0x{pa:x}"
        : $"0x{Va:x} -> {FaultKind} fault{(FaultLevel is { } l ? $" at level {l}" : "")}";
}

/// <summary>How one probe asks; null register members take the target's values (an experiment may change one).</summary>
public sealed record RegimeOptions
{
    /// <summary>AArch64 EL2: TCR_EL2. AArch32 Hyp: HTCR.</summary>
    public ulong? Tcr { get; init; }

    /// <summary>AArch64 EL2: MAIR_EL2. AArch32 Hyp: HMAIR1 in the high word, HMAIR0 in the low word.</summary>
    public ulong? Mair { get; init; }

    /// <summary>AArch64 EL2: SCTLR_EL2. AArch32 Hyp: HSCTLR.</summary>
    public ulong? Sctlr { get; init; }

    /// <summary>Arm: ask for a write (<c>AT S1E2W</c> / <c>ATS1HW</c>) instead of a read.</summary>
    public bool WriteAccess { get; init; }

    /// <summary>Limit for the whole batch once QEMU runs.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);
}
