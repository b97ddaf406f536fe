using Pmap.Core;
using Pmap.Core.Arch;

namespace Pmap.Host.Commands;

/// <summary>--mfn: frames, lists and ranges, checked against what the architecture can address.</summary>
public static partial class Args
{
    /// <summary>An MFN whose address fits 64-bit arithmetic; the architecture's own PADDR checks decide the rest.</summary>
    public static Mfn Mfn(string text)
    {
        var v = ParseNonNegative(text, "MFN");
        if (v >= 1UL << (64 - Page.Shift))
            throw new PmapUsageException($"MFN '{Hex.Echo(text)}' is too large: a frame number is below {Hex.Format(1UL << (64 - Page.Shift))}");
        return new Mfn(v);
    }

    /// <summary>A frame of --mfn the architecture can address at all (PA bits); <c>Text</c> is what the user wrote.</summary>
    public static Mfn MfnWithin((Mfn Mfn, string Text) f, ArchModel model)
    {
        if (f.Mfn.Value > model.Format.MaxMfn)
            throw new PmapUsageException($"MFN '{Hex.Echo(f.Text)}' is beyond {model.Name}'s {model.Format.PaBits}-bit physical addresses: "
                + $"the largest frame is {Hex.Format(model.Format.MaxMfn)}");
        return f.Mfn;
    }

    /// <summary>An MFN for pmap_map: the port's own check decides where Xen has one, the PA width where it has none.</summary>
    public static Mfn MfnToMap((Mfn Mfn, string Text) f, ArchModel model)
    {
        if (model.ChecksFrameWidth || f.Mfn.Value <= model.Format.MaxMfn) return f.Mfn;
        throw new PmapUsageException($"MFN '{Hex.Echo(f.Text)}' is beyond {model.Name}'s {model.Format.PaBits}-bit physical addresses (largest frame "
            + $"{Hex.Format(model.Format.MaxMfn)}): Xen's arch_pmap_map has no check and the frame bits would spill into the entry's flags");
    }

    /// <summary>Most frames one --mfn list may name: NUM_FIX_PMAP's own limit, so a typo never asks for millions.</summary>
    public const int MaxMfns = Hosting.PmapOptions.MaxNumFixPmap;

    /// <summary>
    /// The frames of --mfn: each token one frame, a comma-separated list or an inclusive range FIRST-LAST (1-8 is eight frames),
    /// each with the text it came from; <paramref name="note"/> hears about numbers read as decimal.
    /// </summary>
    public static IReadOnlyList<(Mfn Mfn, string Text)> MfnList(IEnumerable<string> tokens, Action<string>? note = null)
    {
        var list = new List<(Mfn, string)>();
        foreach (var token in tokens)
        {
            foreach (var part in token.Split(',', StringSplitOptions.TrimEntries))
            {
                if (part.Length == 0) throw new PmapUsageException($"--mfn '{Hex.Echo(token)}' has an empty item: write 0x10,0x20 or 1-8");
                var dash = part.IndexOf('-', 1); // a leading '-' is a negative number, which Mfn() refuses
                var (first, last) = dash < 0 ? (part, part) : (part[..dash], part[(dash + 1)..]);
                foreach (var end in dash < 0 ? [part] : new[] { first, last })
                    if (DecimalNote("--mfn", end) is { } n) note?.Invoke(n);
                var (a, b) = (Mfn(first), Mfn(last));
                if (b.Value < a.Value)
                    throw new PmapUsageException($"--mfn range '{Hex.Echo(part)}' runs backwards: write FIRST-LAST with FIRST <= LAST");
                if (b.Value - a.Value >= MaxMfns || list.Count + (int)(b.Value - a.Value) >= MaxMfns)
                    throw new PmapUsageException($"--mfn '{Hex.Echo(token)}' names more than {MaxMfns} frames");
                if (dash < 0) list.Add((a, part));
                else for (var v = a.Value; v <= b.Value; v++) list.Add((new Mfn(v), Hex.Format(v)));
            }
        }
        return list;
    }
}
