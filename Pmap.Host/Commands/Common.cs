using System.CommandLine;
using System.Text.Json.Serialization;
using Pmap.Core;
using Pmap.Core.Arch;
using Pmap.Core.Machine;
using Pmap.Core.Paging;

using Pmap.Host.Views;

namespace Pmap.Host.Commands;

/// <summary>Parsing and checks every command shares.</summary>
public static class Args
{
    /// <summary>An MFN whose address fits 64-bit arithmetic; the architecture's own PADDR checks decide the rest.</summary>
    public static Mfn Mfn(string text)
    {
        var v = ParseNonNegative(text, "MFN");
        if (v >= 1UL << (64 - Page.Shift)) throw new PmapUsageException($"MFN '{Hex.Echo(text)}' is too large: a frame number is below {Hex.Format(1UL << (64 - Page.Shift))}");
        return new Mfn(v);
    }

    /// <summary>An MFN the architecture can address at all (PA bits).</summary>
    public static Mfn MfnWithin(string text, ArchModel model)
    {
        var mfn = Mfn(text);
        if (mfn.Value > model.Format.MaxMfn)
            throw new PmapUsageException($"MFN '{Hex.Echo(text)}' is beyond {model.Name}'s {model.Format.PaBits}-bit physical addresses: the largest frame is {Hex.Format(model.Format.MaxMfn)}");
        return mfn;
    }

    /// <summary>An MFN for pmap_map: the port's own check decides where Xen has one, the PA width where it has none.</summary>
    public static Mfn MfnToMap(string text, ArchModel model)
    {
        var mfn = Mfn(text);
        if (model.ChecksFrameWidth || mfn.Value <= model.Format.MaxMfn) return mfn;
        throw new PmapUsageException($"MFN '{Hex.Echo(text)}' is beyond {model.Name}'s {model.Format.PaBits}-bit physical addresses (largest frame "
            + $"{Hex.Format(model.Format.MaxMfn)}): Xen's arch_pmap_map has no check and the frame bits would spill into the entry's flags");
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
        if (text.TrimStart().StartsWith('-')) throw new PmapUsageException($"{what} '{Hex.Echo(text)}' is negative: expected 0x hex or decimal, 0 or more");
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
            throw new PmapUsageException($"RAM bank {Hex.Format(b)}+{Hex.FormatSize(size)} does not fit {model.Name}'s {model.Format.PaBits}-bit physical address space (up to {Hex.Format(model.Format.PaLimit)})");
        return new RamBank(new PhysAddr(b), size);
    }

    public static int Level(string text, ArchModel model)
    {
        if (!int.TryParse(text, out var level) || !model.Format.IsLevel(level))
            throw new PmapUsageException($"level '{Hex.Echo(text)}' is not a {model.Name} page-table level: expected {string.Join(", ", model.Format.WalkOrder)}");
        return level;
    }
}
