
namespace Pmap.Arch.Arm;

/// <summary>
/// What both Arm ports read under Architectures:arm64 / arm32: the load address, and Xen's image as offsets from _start
/// (a build's symbols, or single keys over the port's examined build). Defaults that move with the profile are null.
/// </summary>
public static class ArmOptions
{
    /// <summary>Xen is loaded 2 MiB aligned: head.S maps it with one level-2 block.</summary>
    public static ArchOption XenLoadAddress(ArmPort port) =>
        ArchOptions.XenLoadAddress(port.DefaultXenLoadAddress.Value, Page.Size << Page.EntriesPerTableShift);

    public static ArchOption XenEnd { get; } = ArchOption.Address("XenEnd", null, 1, "_end, as an offset from _start (default: the profile's build)");
    public static ArchOption XenText { get; } = ArchOption.Range("XenText", "_stext-_etext, offsets from _start, end exclusive (default: the profile's build)");
    public static ArchOption XenInitText { get; } = ArchOption.Range("XenInitText", "_sinittext-_einittext, offsets from _start (default: the profile's build)");
    public static ArchOption XenRodata { get; } = ArchOption.Range("XenRodata", "_srodata-_erodata, offsets from _start (default: the profile's build)");

    /// <summary>Tables:NAME: where the linker put one static page table.</summary>
    public static ArchOption Table(string name) =>
        ArchOption.Address($"Tables:{name}", null, Page.Size, $"{name}'s offset from _start, page aligned (default: the profile's build)");

    /// <summary>Every option of <paramref name="port"/>: its load address, the symbols file, the image bounds and each static table.</summary>
    public static IReadOnlyList<ArchOption> For(ArmPort port, params ArchOption[] more) =>
    [
        XenLoadAddress(port), ArchOptions.SymbolsFile, XenEnd, XenText, XenInitText, XenRodata,
        .. port.StaticTables(1).Select(t => Table(t.Name)), .. more,
    ];
}
