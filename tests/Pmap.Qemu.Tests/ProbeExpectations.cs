namespace Pmap.Qemu.Tests;

/// <summary>One VA and what QEMU's MMU must answer for it: the PA, or the fault (kind and level, Arm only).</summary>
internal readonly record struct Expected(ulong Va, ulong? Pa, string? FaultKind, int? FaultLevel)
{
    public static Expected Maps(ulong va, ulong pa) => new(va, pa, null, null);

    /// <summary>An Arm fault as the PAR reports it: its kind and the level of the walk that raised it.</summary>
    public static Expected Faults(ulong va, string kind, int level) => new(va, null, kind, level);

    /// <summary>The monitor's walk (x86, RISC-V) says only that nothing is mapped.</summary>
    public static Expected Unmapped(ulong va) => new(va, null, "unmapped", null);

    /// <summary>Translates every VA in one QEMU run and compares each answer with what was expected, in order.</summary>
    public static void Check(QemuTarget target, TableBuilder tables, params Expected[] expected)
    {
        var results = MmuProbe.Translate(target, tables.Pages, tables.RootPa, [.. expected.Select(e => e.Va)]);
        Assert.Equal(expected, results.Select(r => new Expected(r.Va, r.Pa, r.FaultKind, r.FaultLevel)));
    }
}
