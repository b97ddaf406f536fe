using System.Globalization;
using System.Text;

namespace Pmap.Port;

/// <summary>
/// The symbols of a xen-syms build as nm or System.map lists them ("address type name" a line): the linker's
/// answers to where Xen's sections and static page tables are, as link-time (virtual) addresses.
/// </summary>
public sealed class XenSymbols
{
    private readonly Dictionary<string, ulong> _symbols;

    private XenSymbols(Dictionary<string, ulong> symbols, string source)
    {
        _symbols = symbols;
        Source = source;
    }

    /// <summary>What the symbols were read from, for error messages.</summary>
    public string Source { get; }

    /// <summary>Reads a file; a missing or unreadable file, or one with no symbol line, is a configuration error on <paramref name="key"/>.</summary>
    /// <remarks>
    /// An ELF file (xen-syms itself) is read through its symbol table by <paramref name="readElf"/>, which the engine supplies
    /// (<see cref="ArchSettings.ElfSymbolReader"/>), so that the contract carries no ELF library; anything else as nm / System.map
    /// text. The reader throws <see cref="FormatException"/> on a file it cannot read.
    /// </remarks>
    public static XenSymbols Load(string path, string key, Func<byte[], IReadOnlyDictionary<string, ulong>>? readElf = null)
    {
        byte[] bytes;
        try
        {
            bytes = InputFile.ReadAllBytes(path, InputFile.SymbolsLimit); // a regular file of bounded size, never a FIFO or /dev/zero
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new PmapConfigurationException(key, $"cannot read symbols file '{path}': {e.Message}");
        }
        if (!IsElf(bytes))
            return Parse(Encoding.UTF8.GetString(bytes).Split('\n'), $"'{path}'", key);
        if (readElf is null)
            throw new PmapConfigurationException(key, $"'{path}' is an ELF file and no ELF reader was given: give nm or System.map output");
        try
        {
            var symbols = readElf(bytes);
            return symbols.Count > 0
                ? new XenSymbols(new Dictionary<string, ulong>(symbols, StringComparer.Ordinal), $"'{path}'")
                : throw new FormatException("its symbol table is empty");
        }
        catch (FormatException e)
        {
            throw new PmapConfigurationException(key, $"'{path}': {e.Message}");
        }
    }

    /// <summary>True when the bytes start with the ELF magic (0x7f 'E' 'L' 'F').</summary>
    public static bool IsElf(ReadOnlySpan<byte> file) => file.StartsWith("\u007fELF"u8);

    /// <summary>Parses nm / System.map lines; lines that are not "hex type name" are skipped (nm prints "U name" for undefined ones).</summary>
    public static XenSymbols Parse(IEnumerable<string> lines, string source, string key)
    {
        var symbols = new Dictionary<string, ulong>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 3 || parts[1].Length != 1) continue;
            var hex = parts[0].StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? parts[0][2..] : parts[0]; // Xen's System.map has 0x, nm not
            if (!ulong.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var address)) continue;
            symbols.TryAdd(parts[2], address);
            // Xen's System.map names a static symbol file#name (mm.c#xen_xenmap); nm names it plainly.
            if (parts[2].IndexOf('#', StringComparison.Ordinal) is var hash and > 0) symbols.TryAdd(parts[2][(hash + 1)..], address);
        }
        if (symbols.Count == 0)
            throw new PmapConfigurationException(key, $"{source} has no symbol lines (expected nm or System.map output: \"address type name\")");
        return new XenSymbols(symbols, source);
    }

    /// <summary>The symbol's link-time address; a missing symbol is a configuration error naming it.</summary>
    public ulong this[string name, string key] => _symbols.TryGetValue(name, out var v)
        ? v
        : throw new PmapConfigurationException(key, $"{Source} has no symbol {name}");

    /// <summary>The symbol's offset from _start, which must not be below _start.</summary>
    public ulong Offset(string name, string key)
    {
        var start = this["_start", key];
        var v = this[name, key];
        return v >= start
            ? v - start
            : throw new PmapConfigurationException(key, $"{Source}: {name} {Hex.Format(v)} is below _start {Hex.Format(start)}");
    }
}
