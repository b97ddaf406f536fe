using System.Buffers.Binary;
using System.Text;

namespace Pmap.Port;

/// <summary>
/// The symbol table (.symtab) of a little-endian ELF32 or ELF64 file such as xen-syms: every defined, named symbol
/// and its value. A System.map lists only some of Xen's static symbols (4.17.7's lacks xen_pgtable, xen_first,
/// xen_second, xen_xenmap); the symbol table has them all.
/// </summary>
internal static class ElfSymbols
{
    private const int ShtSymtab = 2, SttSection = 3, SttFile = 4, StbLocal = 0;

    /// <summary>True when the bytes start with the ELF magic.</summary>
    public static bool IsElf(ReadOnlySpan<byte> file) => file.Length >= 4 && file[0] == 0x7F && file[1] == 'E' && file[2] == 'L' && file[3] == 'F';

    /// <summary>Name to value; a global symbol wins over a local one of the same name, else the first wins.</summary>
    /// <exception cref="FormatException">Not a little-endian ELF, truncated, or without a symbol table (stripped).</exception>
    public static Dictionary<string, ulong> Read(byte[] file)
    {
        if (!IsElf(file) || file.Length < 52) throw new FormatException("not an ELF file");
        var is64 = file[4] switch { 1 => false, 2 => true, _ => throw new FormatException($"ELF class {file[4]} is neither 32 nor 64 bit") };
        if (file[5] != 1) throw new FormatException("a big-endian ELF (Xen's ports are little-endian)");
        if (is64 && file.Length < 64) throw new FormatException("the ELF header is truncated");
        var shoff = is64 ? U64(file, 0x28) : U32(file, 0x20);
        int shentsize = U16(file, is64 ? 0x3A : 0x2E), shnum = U16(file, is64 ? 0x3C : 0x30);
        if (shentsize != (is64 ? 64 : 40)) throw new FormatException($"section headers of {shentsize} bytes");
        for (var i = 0; i < shnum; i++)
        {
            var sh = Index(shoff + ((ulong)i * (ulong)shentsize), shentsize, file);
            if (U32(file, sh + 4) != ShtSymtab) continue;
            var (offset, size, link) = is64
                ? (U64(file, sh + 0x18), U64(file, sh + 0x20), U32(file, sh + 0x28))
                : ((ulong)U32(file, sh + 0x10), (ulong)U32(file, sh + 0x14), U32(file, sh + 0x18));
            if (link >= (ulong)shnum) throw new FormatException($"the symbol table links to section {link} of {shnum}");
            var strSh = Index(shoff + (link * (ulong)shentsize), shentsize, file);
            var (strOffset, strSize) = is64
                ? (U64(file, strSh + 0x18), U64(file, strSh + 0x20))
                : ((ulong)U32(file, strSh + 0x10), (ulong)U32(file, strSh + 0x14));
            return Symbols(file, is64, Index(offset, Length(size), file), (int)size, Index(strOffset, Length(strSize), file), (int)strSize);
        }
        throw new FormatException("the ELF has no symbol table (stripped: use the xen-syms from the -dbg package)");
    }

    private static Dictionary<string, ulong> Symbols(byte[] file, bool is64, int at, int size, int strings, int stringsSize)
    {
        var entry = is64 ? 24 : 16;
        var globals = new Dictionary<string, ulong>(StringComparer.Ordinal);
        var locals = new Dictionary<string, ulong>(StringComparer.Ordinal);
        for (var s = at; s + entry <= at + size; s += entry)
        {
            int nameOff = (int)U32(file, s), info = file[s + (is64 ? 4 : 12)], shndx = U16(file, s + (is64 ? 6 : 14));
            var value = is64 ? U64(file, s + 8) : U32(file, s + 4);
            if (nameOff == 0 || shndx == 0 || (info & 0xF) is SttSection or SttFile || nameOff >= stringsSize) continue;
            var end = Array.IndexOf(file, (byte)0, strings + nameOff, stringsSize - nameOff);
            if (end < 0) throw new FormatException("a symbol name runs past the string table");
            var name = Encoding.ASCII.GetString(file, strings + nameOff, end - strings - nameOff);
            if (name.StartsWith('$')) continue; // Arm's mapping symbols ($x code, $d data) name no object
            (info >> 4 == StbLocal ? locals : globals).TryAdd(name, value);
        }
        foreach (var (name, value) in locals) globals.TryAdd(name, value);
        return globals;
    }

    private static int Length(ulong size) => size <= int.MaxValue ? (int)size : throw new FormatException($"a section of {size} bytes");

    /// <summary>An offset into the file, checked to leave <paramref name="length"/> bytes.</summary>
    private static int Index(ulong offset, int length, byte[] file) =>
        length >= 0 && offset <= (ulong)file.Length && (ulong)length <= (ulong)file.Length - offset
            ? (int)offset
            : throw new FormatException($"the ELF is truncated: {length} bytes at offset {offset} lie beyond its {file.Length}");

    private static ushort U16(byte[] b, int at) => BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(at));

    private static uint U32(byte[] b, int at) => BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(at));

    private static ulong U64(byte[] b, int at) => BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(at));
}
