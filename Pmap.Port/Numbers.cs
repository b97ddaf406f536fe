#pragma warning disable CS1591 // Some public members here still lack XML documentation: to fill in (every other file is complete).
using System.Globalization;

namespace Pmap.Port;

/// <summary>Page geometry shared by every architecture Xen runs PMAP on (4 KiB pages).</summary>
public static class Page
{
    public const int Shift = 12;
    public const ulong Size = 1UL << Shift;
    public const ulong Mask = ~(Size - 1);
    public const int EntryBytes = 8;
    public const int EntriesPerTableShift = Shift - 3; // 512 eight-byte entries per 4 KiB table
    public const int EntriesPerTable = 1 << EntriesPerTableShift;
}

/// <summary>A machine frame number (Xen's mfn_t): a physical address shifted right by PAGE_SHIFT.</summary>
public readonly record struct Mfn(ulong Value) : IComparable<Mfn>
{
    public PhysAddr ToPhysAddr() => new(Value << Page.Shift);
    public Mfn Add(ulong n) => new(Value + n);
    public int CompareTo(Mfn other) => Value.CompareTo(other.Value);
    public static bool operator <(Mfn a, Mfn b) => a.Value < b.Value;
    public static bool operator >(Mfn a, Mfn b) => a.Value > b.Value;
    public static bool operator <=(Mfn a, Mfn b) => a.Value <= b.Value;
    public static bool operator >=(Mfn a, Mfn b) => a.Value >= b.Value;
    public override string ToString() => Hex.Format(Value);
    public static Mfn Parse(string text) => new(Hex.ParseNumber(text, "MFN"));
}

/// <summary>A physical (machine) address (Xen's paddr_t).</summary>
public readonly record struct PhysAddr(ulong Value) : IComparable<PhysAddr>
{
    public Mfn ToMfn() => new(Value >> Page.Shift);
    public ulong PageOffset => Value & (Page.Size - 1);
    public PhysAddr Add(ulong bytes) => new(Value + bytes);
    public int CompareTo(PhysAddr other) => Value.CompareTo(other.Value);
    public static bool operator <(PhysAddr a, PhysAddr b) => a.Value < b.Value;
    public static bool operator >(PhysAddr a, PhysAddr b) => a.Value > b.Value;
    public static bool operator <=(PhysAddr a, PhysAddr b) => a.Value <= b.Value;
    public static bool operator >=(PhysAddr a, PhysAddr b) => a.Value >= b.Value;
    public override string ToString() => Hex.Format(Value);
    public static PhysAddr Parse(string text) => new(Hex.ParseNumber(text, "physical address"));
}

/// <summary>A virtual address as the hypervisor sees it (Xen's vaddr_t).</summary>
public readonly record struct VirtAddr(ulong Value) : IComparable<VirtAddr>
{
    public ulong PageNumber => Value >> Page.Shift;
    public ulong PageOffset => Value & (Page.Size - 1);
    public VirtAddr Add(ulong bytes) => new(Value + bytes);
    public int CompareTo(VirtAddr other) => Value.CompareTo(other.Value);
    public static bool operator <(VirtAddr a, VirtAddr b) => a.Value < b.Value;
    public static bool operator >(VirtAddr a, VirtAddr b) => a.Value > b.Value;
    public static bool operator <=(VirtAddr a, VirtAddr b) => a.Value <= b.Value;
    public static bool operator >=(VirtAddr a, VirtAddr b) => a.Value >= b.Value;
    public override string ToString() => Hex.Format(Value);
    public static VirtAddr Parse(string text) => new(Hex.ParseNumber(text, "virtual address"));
}

/// <summary>Hex formatting and number/size parsing with the CLI's conventions (0x prefix, size suffixes).</summary>
public static class Hex
{
    public static string Format(ulong value) => "0x" + value.ToString("x", CultureInfo.InvariantCulture);

    public static string Format(ulong value, int digits) =>
        "0x" + value.ToString("x" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    /// <summary>Parses "0x1f" (hex) or "31" (decimal); throws <see cref="FormatException"/> naming what was expected.</summary>
    public static ulong ParseNumber(string text, string what)
    {
        if (TryParseNumber(text, out var value)) return value;
        throw new FormatException($"'{Echo(text)}' is not a valid {what}: " +
            $"expected a hex number with 0x prefix or a decimal number from 0 to {Format(ulong.MaxValue)}");
    }

    /// <summary>The most characters of one input value an error echoes (docs/CLI.md, section 2).</summary>
    public const int EchoLength = 40;

    /// <summary>Input echoed in an error: control characters escaped, cut at <see cref="EchoLength"/> characters with "…".</summary>
    public static string Echo(string text)
    {
        var printable = Printable(text);
        return printable.Length <= EchoLength ? printable : printable[..(EchoLength - 1)] + "…";
    }

    /// <summary>
    /// Text safe for a terminal line: ESC as \e, newline \n, carriage return \r, tab \t, other control characters
    /// (C0, DEL, C1) as \xNN, so no input can move the cursor, set a title or add a line.
    /// </summary>
    public static string Printable(string text)
    {
        if (!text.Any(char.IsControl)) return text;
        var b = new System.Text.StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            b.Append(c switch
            {
                '\u001b' => "\\e",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(c) => $"\\x{(int)c:x2}",
                _ => c.ToString(),
            });
        }
        return b.ToString();
    }

    public static bool TryParseNumber(string? text, out ulong value)
    {
        value = 0;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var s = text.Trim().Replace("_", "", StringComparison.Ordinal);
        if (s.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            return s.Length > 2 && ulong.TryParse(s.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
        return s.All(char.IsAsciiDigit) && ulong.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>Parses a size: a number as above, or a decimal number with a K, M, G or T suffix (powers of 1024).</summary>
    public static ulong ParseSize(string text, string what)
    {
        if (TryParseSize(text, out var value)) return value;
        throw new FormatException($"'{Echo(text)}' is not a valid {what}: " +
            "expected a number (0x hex or decimal) or a decimal with suffix K, M, G or T, e.g. 2G");
    }

    public static bool TryParseSize(string? text, out ulong value)
    {
        value = 0;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var s = text.Trim();
        if (TryParseNumber(s, out value)) return true;
        var shift = char.ToUpperInvariant(s[^1]) switch { 'K' => 10, 'M' => 20, 'G' => 30, 'T' => 40, _ => -1 };
        var digits = s.EndsWith("iB", StringComparison.Ordinal) ? -1 : shift;
        if (digits < 0 || !TryParseNumber(s[..^1], out var n) || s.StartsWith("0x", StringComparison.OrdinalIgnoreCase)) return false;
        if (n > (ulong.MaxValue >> shift)) return false;
        value = n << shift;
        return true;
    }

    /// <summary>Human size: 2G, 512M, 4K, or the byte count when not a whole unit.</summary>
    public static string FormatSize(ulong bytes)
    {
        foreach (var (shift, unit) in new[] { (40, "T"), (30, "G"), (20, "M"), (10, "K") })
            if (bytes != 0 && bytes % (1UL << shift) == 0) return (bytes >> shift).ToString(CultureInfo.InvariantCulture) + unit;
        return bytes.ToString(CultureInfo.InvariantCulture);
    }
}
