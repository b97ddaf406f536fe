
namespace Pmap.Arch.Arm;

/// <summary>
/// Both Arm ports' IArchitecture: the Arm profiles and the release table, declared once, over one port's facts; the
/// port supplies only how its model is built.
/// </summary>
public abstract class ArmArchitecture(ArmPort port, Func<ArchSettings, ArmProfile, ArchModel> create, params ArchOption[] portOptions)
    : Architecture<ArmProfile>(port.Name, port.Description, ArmProfiles.For(port.Layouts, port.BitsPerLong)), IReleaseHistory
{
    /// <inheritdoc/>
    public override IReadOnlyList<ArchOption> Options { get; } = ArmOptions.For(port, portOptions);

    private readonly int bitsPerLong = port.BitsPerLong;
    private readonly IReadOnlyDictionary<ArmLayoutEra, ArmLayout> layouts = port.Layouts;

    protected sealed override ArchModel Create(ArchSettings settings, ArmProfile profile) => create(settings, profile);

    /// <summary>The repeated-TLBI workaround exists on arm64 only (TLB_HELPER_VA); arm32 has no such column.</summary>
    private bool HasRepeatTlbi => bitsPerLong == 64;

    /// <summary>The per-page local invalidate.</summary>
    private string Tlbi => port.Isa.TlbiVa.Mnemonic;

    public IReadOnlyList<ReleaseFacts> Releases => _releases ??= ArmReleases.All.Select(Row).ToList();

    private IReadOnlyList<ReleaseFacts>? _releases;

    public IReadOnlyList<string> ReleaseNotes => HasRepeatTlbi
        ? ["repeat-TLBI workaround (cbfaf6ccd2): an ALTERNATIVE patched in at boot on affected CPUs; PMAP runs before "
           + "apply_alternatives_all, so every profile executes one TLBI per page"]
        : [];

    private ReleaseFacts Row(ArmRelease r)
    {
        var layout = layouts[r.Layout.Value];
        List<ReleaseFactCell> cells =
        [
            new("FIXADDR_TOP", r.FixaddrTopFixed.Value ? "fixed" : "off by one", r.FixaddrTopFixed.Commit),
            new("isb after PMAP store", r.IsbAfterPmapWrite.Value ? "yes" : "no", r.IsbAfterPmapWrite.Commit),
            new("unmap flush", r.LocalFlush.Value == ArmLocalFlush.Sy ? $"dsb sy; {Tlbi}; dsb sy; isb" : $"dsb nshst; {Tlbi}; dsb nsh; isb",
                r.LocalFlush.Commit),
        ];
        // Boot-time alternative patching: PMAP runs before it, so the model executes one TLBI; the table reports the code.
        if (HasRepeatTlbi) cells.Add(new("repeat-TLBI workaround", r.RepeatTlbi.Value ? "present" : "absent", r.RepeatTlbi.Commit));
        cells.Add(new("fixmap base", Hex.Format(layout.FixmapBase), layout.Commit));
        cells.Add(new("pmap.c", $"{r.PmapC.Value} (DECLARE_BITMAP)", r.PmapC.Commit));
        cells.Add(new("enum spelling", r.FixNames.Value ? "FIX_*" : "FIXMAP_*", r.FixNames.Commit));
        return new ReleaseFacts(r.Release, XenRelease.ProfileName(r.Release), r.Commit, cells);
    }
}
