using Pmap.Core;
using Pmap.Core.Arch;
using Pmap.Core.Machine;
using Pmap.Core.Paging;

namespace Pmap.Host.Commands;

/// <summary>Parsing and checks every command shares.</summary>
public static class Args
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

    /// <summary>A note when a VA, MFN or PTE without 0x is read as decimal, which Xen's own output never is (0 to 9 read alike).</summary>
    public static string? DecimalNote(string option, string text)
    {
        var t = text.Trim();
        if (t.StartsWith("0x", StringComparison.OrdinalIgnoreCase) || !Hex.TryParseNumber(t, out var v) || v < 10) return null;
        return $"note: {option} {Hex.Echo(t)} is read as decimal, {Hex.Format(v)}; write 0x{Hex.Echo(t)} if you meant hex";
    }

    public static VirtAddr Va(string text, ArchModel model)
    {
        var va = new VirtAddr(ParseNonNegative(text, "virtual address"));
        if (!model.Format.IsValidVa(va))
            throw new PmapUsageException($"VA '{Hex.Echo(text)}' is not a {model.Name} virtual address: expected {model.Format.DescribeVaRange()}");
        return va;
    }

    public static ulong ParseNonNegative(string text, string what)
    {
        if (text.TrimStart().StartsWith('-'))
            throw new PmapUsageException($"{what} '{Hex.Echo(text)}' is negative: expected 0x hex or decimal, 0 or more");
        return Hex.ParseNumber(text, what);
    }

    public static ulong Size(string text, string what)
    {
        if (text.TrimStart().StartsWith('-')) throw new PmapUsageException($"{what} '{Hex.Echo(text)}' is negative");
        return Hex.ParseSize(text, what);
    }

    /// <summary>The bank from --ram-base/--ram-size over the architecture's default, checked against page alignment and PA bits.</summary>
    public static RamBank Bank(ArchModel model, string? baseText, string? sizeText)
    {
        var b = baseText is null ? model.DefaultRam.Base.Value : ParseNonNegative(baseText, "--ram-base");
        var size = sizeText is null ? model.DefaultRam.Size : Size(sizeText, "--ram-size");
        if (size == 0) throw new PmapUsageException("--ram-size 0: a RAM bank needs at least one page (e.g. 4K, 512M, 2G)");
        if (b % Page.Size != 0 || size % Page.Size != 0)
            throw new PmapUsageException($"RAM bank {Hex.Format(b)}+{Hex.Format(size)} is not page aligned: base and size must be multiples of 4K");
        if (b > model.Format.PaLimit || size - 1 > model.Format.PaLimit - b)
            throw new PmapUsageException($"RAM bank {Hex.Format(b)}+{Hex.FormatSize(size)} does not fit {model.Name}'s " +
                $"{model.Format.PaBits}-bit physical address space (up to {Hex.Format(model.Format.PaLimit)})");
        return new RamBank(new PhysAddr(b), size);
    }

    public static int Level(string text, ArchModel model)
    {
        if (!int.TryParse(text, out var level) || !model.Format.IsLevel(level))
            throw new PmapUsageException($"level '{Hex.Echo(text)}' is not a {model.Name} page-table level: " +
                $"expected {string.Join(", ", model.Format.WalkOrder)}");
        return level;
    }
}
