namespace Pmap.Qemu;

/// <summary>The translation regimes whose MMU the probe can ask, named by the hardware mechanism.</summary>
public enum QemuRegime
{
    /// <summary>AArch64 EL2 stage 1 through a stub running <c>AT S1E2R</c>/<c>AT S1E2W</c> at EL3.</summary>
    Aarch64El2Stage1,

    /// <summary>AArch32 Hyp (LPAE) through a stub running <c>ATS1HR</c>/<c>ATS1HW</c> in Monitor mode.</summary>
    Aarch32Hyp,

    /// <summary>x86-64 4-level paging set up through the gdbstub; the monitor's <c>gva2gpa</c> translates.</summary>
    X86FourLevelPaging,

    /// <summary>RISC-V S-mode paging with satp.MODE as given; the monitor's <c>gva2gpa</c> translates.</summary>
    RiscVSatp,
}

/// <summary>A window of guest physical memory that is RAM.</summary>
public readonly record struct PhysWindow(ulong Base, ulong Size)
{
    public ulong End => Base + Size;

    public bool Contains(ulong pa, ulong length = 1) =>
        length != 0 && pa >= Base && length <= Size && pa - Base <= Size - length;
}

/// <summary>
/// How one regime is run: binary, machine arguments, the Debian package that ships it, where its RAM is, and the
/// regime's register values (by their architectural names: TCR_EL2, HMAIR0, CR4, satp.MODE) as the caller states them.
/// Table pages given to <see cref="MmuProbe"/> must lie in <see cref="TableWindows"/>; the rest of RAM
/// (<see cref="Scratch"/>) is reserved for the probe's own stub and buffers.
/// </summary>
public sealed record QemuTarget
{
    /// <summary>RAM given to QEMU (<c>-m</c>) when probing.</summary>
    public const ulong ProbeRamSize = 1UL << 30;

    /// <summary>Reserved for the probe stub, the VA list and the results, at the top of RAM.</summary>
    public const ulong ScratchSize = 1UL << 20;

    public required QemuRegime Regime { get; init; }
    public required string Binary { get; init; }
    public required IReadOnlyList<string> MachineArgs { get; init; }
    public required string DebianPackage { get; init; }

    /// <summary>The regime's registers; the probe reads the ones its mechanism sets and refuses a target that lacks one.</summary>
    public required IReadOnlyDictionary<string, ulong> Registers { get; init; }

    /// <summary>Guest physical address where RAM starts.</summary>
    public required ulong RamBase { get; init; }

    /// <summary>Holes inside [RamBase, RamBase + ram size) that are not RAM (the x86 legacy VGA/BIOS area).</summary>
    public IReadOnlyList<PhysWindow> Holes { get; init; } = [];

    /// <summary>The scratch area the probe uses, at the top of the probe's RAM.</summary>
    public PhysWindow Scratch => new(RamBase + ProbeRamSize - ScratchSize, ScratchSize);

    /// <summary>Where table pages may be placed for <see cref="MmuProbe"/>: probe RAM minus holes and scratch.</summary>
    public IReadOnlyList<PhysWindow> TableWindows
    {
        get
        {
            var windows = new List<PhysWindow>();
            ulong start = RamBase, end = Scratch.Base;
            foreach (var hole in Holes.OrderBy(h => h.Base))
            {
                if (hole.Base > start) windows.Add(new PhysWindow(start, hole.Base - start));
                start = Math.Max(start, hole.End);
            }
            if (end > start) windows.Add(new PhysWindow(start, end - start));
            return windows;
        }
    }

    /// <summary>True when [pa, pa + length) lies in RAM the caller may fill with tables.</summary>
    public bool IsGuestRam(ulong pa, ulong length = 1) => TableWindows.Any(w => w.Contains(pa, length));

    public override string ToString() => Regime.ToString();

    /// <summary>The value of a register the regime needs.</summary>
    public ulong Register(string name) => Registers.TryGetValue(name, out var value) ? value
        : throw new ArgumentException($"the {Regime} target states no {name}", nameof(name));
}
