namespace Pmap.Qemu;

/// <summary>The architectures whose MMU can be asked.</summary>
public enum QemuArch
{
    Arm64,
    Arm32,
    X86_64,
    RiscV64,
}

/// <summary>A window of guest physical memory that is RAM.</summary>
public readonly record struct PhysWindow(ulong Base, ulong Size)
{
    public ulong End => Base + Size;

    public bool Contains(ulong pa, ulong length = 1) =>
        length != 0 && pa >= Base && length <= Size && pa - Base <= Size - length;
}

/// <summary>
/// How one architecture is run: binary, machine arguments, the Debian package that ships it, and where its RAM is.
/// Table pages given to <see cref="MmuProbe"/> must lie in <see cref="TableWindows"/>; the rest of RAM
/// (<see cref="Scratch"/>) is reserved for the probe's own stub and buffers.
/// </summary>
public sealed record QemuTarget
{
    /// <summary>RAM given to QEMU (<c>-m</c>) when probing.</summary>
    public const ulong ProbeRamSize = 1UL << 30;

    /// <summary>Reserved for the probe stub, the VA list and the results, at the top of RAM.</summary>
    public const ulong ScratchSize = 1UL << 20;

    public required QemuArch Arch { get; init; }
    public required string Binary { get; init; }
    public required IReadOnlyList<string> MachineArgs { get; init; }
    public required string DebianPackage { get; init; }

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

    /// <summary>
    /// AArch64 at EL3 (secure=on), translating with the EL2 regime through a stub that runs <c>AT S1E2R</c>.
    /// </summary>
    public static QemuTarget Arm64 { get; } = new()
    {
        Arch = QemuArch.Arm64,
        Binary = "qemu-system-aarch64",
        MachineArgs = ["-M", "virt,virtualization=on,secure=on", "-cpu", "cortex-a57"],
        DebianPackage = "qemu-system-arm",
        RamBase = 0x4000_0000,
    };

    /// <summary>AArch32 (LPAE) starting in Secure SVC, translating with the Hyp regime through <c>ATS1HR</c>.</summary>
    public static QemuTarget Arm32 { get; } = new()
    {
        Arch = QemuArch.Arm32,
        Binary = "qemu-system-arm",
        MachineArgs = ["-M", "virt,virtualization=on,secure=on", "-cpu", "cortex-a15"],
        DebianPackage = "qemu-system-arm",
        RamBase = 0x4000_0000,
    };

    /// <summary>x86-64 4-level paging set up through the gdbstub; the monitor's <c>gva2gpa</c> translates.</summary>
    public static QemuTarget X86_64 { get; } = new()
    {
        Arch = QemuArch.X86_64,
        Binary = "qemu-system-x86_64",
        MachineArgs = ["-M", "pc", "-cpu", "qemu64,+pdpe1gb"],
        DebianPackage = "qemu-system-x86",
        RamBase = 0,
        Holes = [new PhysWindow(0xA_0000, 0x6_0000)],
    };

    /// <summary>RISC-V 64 in S-mode with Sv39 (or Sv48); the monitor's <c>gva2gpa</c> translates.</summary>
    public static QemuTarget RiscV64 { get; } = new()
    {
        Arch = QemuArch.RiscV64,
        Binary = "qemu-system-riscv64",
        MachineArgs = ["-M", "virt", "-bios", "none"],
        DebianPackage = "qemu-system-misc",
        RamBase = 0x8000_0000,
    };

    public static QemuTarget For(QemuArch arch) => arch switch
    {
        QemuArch.Arm64 => Arm64,
        QemuArch.Arm32 => Arm32,
        QemuArch.X86_64 => X86_64,
        QemuArch.RiscV64 => RiscV64,
        _ => throw new ArgumentOutOfRangeException(nameof(arch), arch, null),
    };

    public override string ToString() => Arch.ToString();
}
