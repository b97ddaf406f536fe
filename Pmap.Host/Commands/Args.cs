using Pmap.Core;
using Pmap.Core.Arch;
using Pmap.Core.Machine;

namespace Pmap.Host.Commands;

/// <summary>Parsing and checks every command shares: addresses, sizes, RAM banks, levels.</summary>
public static partial class Args
{
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
