using ELFSharp.ELF;
using ELFSharp.ELF.Sections;

namespace Pmap.Core.Arch;

/// <summary>
/// The symbol table (.symtab) of a little-endian ELF32 or ELF64 file such as xen-syms, read with ELFSharp: every defined,
/// named symbol and its value. A System.map lists only some of Xen's static symbols (4.17.7's lacks xen_pgtable, xen_first,
/// xen_second, xen_xenmap); the symbol table has them all. The engine hands this reader to the contract's XenSymbols, so that
/// ports (which see only Pmap.Port) carry no ELF library.
/// </summary>
public static class ElfSymbols
{
    /// <summary>Name to value; a global (or weak) symbol wins over a local one of the same name, else the first wins.</summary>
    /// <exception cref="FormatException">Not a little-endian ELF, truncated, or without a symbol table (stripped).</exception>
    public static IReadOnlyDictionary<string, ulong> Read(byte[] file)
    {
        using (var elf = Open(file))
        {
            if (elf.Endianess != ELFSharp.Endianess.LittleEndian) throw new FormatException("a big-endian ELF (Xen's ports are little-endian)");
            var symtab = elf.Sections.FirstOrDefault(s => s.Type == SectionType.SymbolTable)
                ?? throw new FormatException("the ELF has no symbol table (stripped: use the xen-syms from the -dbg package)");
            return symtab switch
            {
                SymbolTable<ulong> t64 => Symbols(t64.Entries.Select(e => (e.Name, e.Value, e.Binding, e.Type, e.PointedSectionIndex))),
                SymbolTable<uint> t32 => Symbols(t32.Entries.Select(e => (e.Name, (ulong)e.Value, e.Binding, e.Type, e.PointedSectionIndex))),
                _ => throw new FormatException("the ELF's symbol table is of neither class"),
            };
        }
    }

    private static Dictionary<string, ulong> Symbols(IEnumerable<(string Name, ulong Value, SymbolBinding Binding, SymbolType Type, ushort Shndx)> entries)
    {
        var globals = new Dictionary<string, ulong>(StringComparer.Ordinal);
        var locals = new Dictionary<string, ulong>(StringComparer.Ordinal);
        foreach (var (name, value, binding, type, shndx) in entries)
        {
            // Undefined (SHN_UNDEF), unnamed, section and file symbols name no object; nor do Arm's mapping symbols ($x, $d).
            if (string.IsNullOrEmpty(name) || shndx == 0 || type is SymbolType.Section or SymbolType.File || name.StartsWith('$')) continue;
            (binding == SymbolBinding.Local ? locals : globals).TryAdd(name, value);
        }
        foreach (var (name, value) in locals) globals.TryAdd(name, value);
        return globals;
    }

    /// <summary>The ELF in <paramref name="file"/>; a cut or malformed file is a <see cref="FormatException"/>.</summary>
    internal static IELF Open(byte[] file)
    {
        var stream = new MemoryStream(file, writable: false);
        try
        {
            return ELFReader.TryLoad(stream, shouldOwnStream: true, out var elf) ? elf : throw new FormatException("not an ELF file");
        }
        catch (Exception e) when (e is not FormatException and not OutOfMemoryException)
        {
            // ELFSharp reads past the end as any stream does: a cut file surfaces as an I/O or range exception.
            throw new FormatException($"the ELF is truncated or malformed ({e.Message})", e);
        }
    }
}
