namespace Pmap.Port;

/// <summary>
/// A translation regime and its register values as Xen sets them when the tables are live; the root register is not
/// among them (it is the root of the tables under test). Each regime is its own record, named by the hardware regime the
/// probe drives (never by a port): AArch64 EL2 stage 1 through <c>AT S1E2R</c>, AArch32 Hyp through <c>ATS1HR</c>, x86-64
/// 4-level paging and RISC-V Sv39 through the QEMU monitor's <c>gva2gpa</c>.
/// </summary>
public abstract record TranslationRegime
{
    /// <summary>The register values by their architectural names (TCR_EL2, HMAIR0, CR4, satp.MODE).</summary>
    public abstract IReadOnlyDictionary<string, ulong> Registers { get; }
}

/// <summary>AArch64 EL2 stage 1: the values arm64/head.S writes before it turns the MMU on, and M|C once it has.</summary>
public sealed record Aarch64El2Stage1(ulong TcrEl2, ulong MairEl2, ulong SctlrEl2) : TranslationRegime
{
    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, ulong> Registers => new Dictionary<string, ulong>
    {
        ["TCR_EL2"] = TcrEl2,
        ["MAIR_EL2"] = MairEl2,
        ["SCTLR_EL2"] = SctlrEl2,
    };
}

/// <summary>AArch32 Hyp mode (LPAE): the values arm32/head.S writes, and M|C once the MMU is on.</summary>
public sealed record Aarch32Hyp(ulong Htcr, ulong Hmair0, ulong Hmair1, ulong Hsctlr) : TranslationRegime
{
    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, ulong> Registers => new Dictionary<string, ulong>
    {
        ["HTCR"] = Htcr,
        ["HMAIR0"] = Hmair0,
        ["HMAIR1"] = Hmair1,
        ["HSCTLR"] = Hsctlr,
    };
}

/// <summary>x86-64 4-level paging: the control-register bits that decide a translation (the root is CR3).</summary>
public sealed record X86FourLevelPaging(ulong Cr0, ulong Cr4, ulong Efer) : TranslationRegime
{
    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, ulong> Registers => new Dictionary<string, ulong>
    {
        ["CR0"] = Cr0,
        ["CR4"] = Cr4,
        ["EFER"] = Efer,
    };
}

/// <summary>RISC-V Sv39 in S-mode: satp.MODE 8 (the root's PPN is the tables'); the privileged spec's encoding.</summary>
public sealed record RiscVSv39() : TranslationRegime
{
    /// <summary>satp.MODE for Sv39 (RISC-V privileged spec, table "satp encoding").</summary>
    public const ulong SatpMode = 8;

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, ulong> Registers => new Dictionary<string, ulong> { ["satp.MODE"] = SatpMode };
}

/// <summary>A range of guest physical addresses inside the RAM QEMU is given that is not RAM (x86's legacy VGA/BIOS area).</summary>
public readonly record struct RamHole(ulong Base, ulong Size);

/// <summary>
/// How to boot a real Xen image of this port under QEMU (<c>pmap verify --xen-image</c>): the machine, the RAM Xen is
/// given (the model boots the same bank), Xen's command line, where the tables' root is read once Xen has stopped, and
/// the registers that hold a call's first argument and its return address (to trace pmap_map/pmap_unmap).
/// </summary>
public sealed record XenBootTarget(
    IReadOnlyList<string> MachineArgs, ulong RamBase, ulong RamSize, string BootArgs, string RootRegister, ulong RootAddressMask,
    string ArgumentRegister, string LinkRegister)
{
    /// <summary>
    /// Where QEMU's loader puts the image when that is not the port's default load address (arm32's zImage lands at RAM +
    /// 0x10000); the model is then loaded there too, so that its tables sit where Xen's do. Null: the port's default.
    /// </summary>
    public ulong? ImageLoadAddress { get; init; }
}

/// <summary>
/// A port's oracle: the QEMU system emulator and machine whose MMU checks the model's tables, where its RAM is, the
/// translation regime with Xen's register values, and whether it can boot a real Xen image. The probe places tables
/// in RAM from <see cref="RamBase"/>, skipping <see cref="RamHoles"/>.
/// </summary>
public sealed record VerificationTarget(
    string QemuBinary, string DebianPackage, IReadOnlyList<string> MachineArgs, ulong RamBase, TranslationRegime Regime)
{
    /// <summary>Ranges inside RAM that are not RAM.</summary>
    public IReadOnlyList<RamHole> RamHoles { get; init; } = [];

    /// <summary>How to boot a real Xen image; null when the port cannot (then `--xen-image` is refused).</summary>
    public XenBootTarget? XenBoot { get; init; }
}
