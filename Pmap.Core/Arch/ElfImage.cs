#pragma warning disable CS1591 // The record and its members say what they are.
using ELFSharp.ELF;
using ELFSharp.ELF.Sections;

namespace Pmap.Core.Arch;

/// <summary>A function of an ELF's symbol table: its name and the link-time addresses it covers.</summary>
public sealed record ElfFunction(string Name, ulong Start, ulong Size)
{
    public bool Contains(ulong address) => address >= Start && address - Start < Math.Max(Size, 1);
}

/// <summary>
/// What xen-syms says about its code, read with ELFSharp: every function symbol (STT_FUNC) with its range, and the bytes of
/// the allocated sections at their link-time addresses (so a function's instructions are read as the linker placed them).
/// </summary>
public sealed class ElfImage
{
    private readonly List<(ulong Address, byte[] Bytes)> _sections;
    private readonly ElfFunction[] _functions;

    private ElfImage(List<(ulong, byte[])> sections, ElfFunction[] functions)
    {
        _sections = sections;
        _functions = functions;
    }

    /// <summary>The functions, by start address.</summary>
    public IReadOnlyList<ElfFunction> Functions => _functions;

    /// <exception cref="FormatException">Not a little-endian ELF64, truncated, or without a symbol table.</exception>
    public static ElfImage Read(byte[] file)
    {
        using (var elf = ElfSymbols.Open(file))
        {
            if (elf is not ELF<ulong> e64 || elf.Endianess != ELFSharp.Endianess.LittleEndian)
                throw new FormatException("not a little-endian ELF64 (the instruction reader reads arm64's xen-syms)");
            var symtab = e64.Sections.OfType<SymbolTable<ulong>>().FirstOrDefault(s => s.Type == SectionType.SymbolTable)
                ?? throw new FormatException("the ELF has no symbol table (stripped: use the xen-syms from the -dbg package)");
            var functions = symtab.Entries
                .Where(s => s.Type == SymbolType.Function && !string.IsNullOrEmpty(s.Name) && s.PointedSectionIndex != 0)
                .Select(s => new ElfFunction(s.Name, s.Value, s.Size))
                .DistinctBy(f => f.Start)
                .OrderBy(f => f.Start)
                .ToArray();
            var sections = e64.Sections.OfType<ProgBitsSection<ulong>>()
                .Where(s => (s.Flags & SectionFlags.Allocatable) != 0 && s.Size > 0)
                .Select(s => (s.LoadAddress, s.GetContents()))
                .ToList();
            return new ElfImage(sections, functions);
        }
    }

    /// <summary>The function that contains <paramref name="address"/>, or null.</summary>
    public ElfFunction? FunctionAt(ulong address)
    {
        int lo = 0, hi = _functions.Length - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) / 2;
            if (_functions[mid].Start <= address) lo = mid + 1;
            else hi = mid - 1;
        }
        return hi >= 0 && _functions[hi].Contains(address) ? _functions[hi] : null;
    }

    /// <summary>The function named <paramref name="name"/>, or null.</summary>
    public ElfFunction? Function(string name) => _functions.FirstOrDefault(f => f.Name == name);

    /// <summary>The 32-bit little-endian word at <paramref name="address"/> in an allocated section, or null outside them.</summary>
    public uint? Word(ulong address)
    {
        foreach (var (start, bytes) in _sections)
            if (address >= start && address - start + 4 <= (ulong)bytes.Length)
                return BitConverter.ToUInt32(bytes, (int)(address - start));
        return null;
    }
}
