using Pmap.Core;
using Pmap.Core.Arch;
using Pmap.Core.Machine;

namespace Pmap.Host.Commands;

/// <summary>The values Xen users write in hex (VA, MFN, PTE), read with a note on stderr when they were written in decimal.</summary>
public static class Inputs
{
    /// <summary>Every frame of --mfn (lists and ranges expanded), each checked by <paramref name="check"/>.</summary>
    public static List<Mfn> Mfns(this CommandContext c, IEnumerable<string>? tokens, Func<(Mfn Mfn, string Text), ArchModel, Mfn> check,
        ArchModel model) =>
        Args.MfnList(tokens ?? [], c.Note).Select(f => check(f, model)).ToList();

    /// <summary>The one frame of a command that maps one (compare, report): a list or range must name exactly one.</summary>
    public static Mfn OneMfn(this CommandContext c, string text, string command)
    {
        var list = Args.MfnList([text], c.Note);
        if (list.Count != 1) throw new PmapUsageException($"--mfn '{Hex.Echo(text)}' names {list.Count} frames: {command} maps one");
        return list[0].Mfn;
    }

    public static VirtAddr Va(this CommandContext c, string text, ArchModel model)
    {
        if (Args.DecimalNote("--va", text) is { } n) c.Note(n);
        return Args.Va(text, model);
    }

    /// <summary>A RAM bank at --ram-base (a physical address, written in hex as Xen prints one) of --ram-size.</summary>
    public static RamBank Bank(this CommandContext c, ArchModel model, string? baseText, string? sizeText)
    {
        if (baseText is not null && Args.DecimalNote("--ram-base", baseText) is { } n) c.Note(n);
        return Args.Bank(model, baseText, sizeText);
    }

    /// <summary>A raw page-table entry (decode's VALUE).</summary>
    public static ulong Pte(this CommandContext c, string text)
    {
        if (Args.DecimalNote("VALUE", text) is { } n) c.Note(n);
        return Args.ParseNonNegative(text, "page-table entry");
    }
}
