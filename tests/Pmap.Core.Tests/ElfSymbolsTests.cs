using System.Buffers.Binary;
using System.Text;
using Pmap.Core.Arch;

namespace Pmap.Core.Tests;

/// <summary>The ELF symbol-table reader on ELFs built here (System V gABI layouts), and on Debian's xen-syms when present.</summary>
public class ElfSymbolsTests
{
    /// <summary>A symbol as the builder writes it: binding 0 local, 1 global; type 1 object, 2 func, 3 section, 4 file.</summary>
    private sealed record Sym(string Name, ulong Value, int Bind = 1, int Type = 1, int Shndx = 1);

    /// <summary>Header, then sections null, .text (no bytes), .symtab (linked to 3), .strtab, .shstrtab (the section names).</summary>
    private static byte[] Elf(bool is64, params Sym[] syms)
    {
        var strtab = new List<byte> { 0 };
        var entry = is64 ? 24 : 16;
        var symtab = new byte[entry * (syms.Length + 1)]; // entry 0 is the null symbol
        for (var i = 0; i < syms.Length; i++)
        {
            var at = entry * (i + 1);
            BinaryPrimitives.WriteUInt32LittleEndian(symtab.AsSpan(at), (uint)strtab.Count);
            strtab.AddRange(Encoding.ASCII.GetBytes(syms[i].Name + "\0"));
            var info = (byte)((syms[i].Bind << 4) | syms[i].Type);
            if (is64)
            {
                symtab[at + 4] = info;
                BinaryPrimitives.WriteUInt16LittleEndian(symtab.AsSpan(at + 6), (ushort)syms[i].Shndx);
                BinaryPrimitives.WriteUInt64LittleEndian(symtab.AsSpan(at + 8), syms[i].Value);
            }
            else
            {
                BinaryPrimitives.WriteUInt32LittleEndian(symtab.AsSpan(at + 4), (uint)syms[i].Value);
                symtab[at + 12] = info;
                BinaryPrimitives.WriteUInt16LittleEndian(symtab.AsSpan(at + 14), (ushort)syms[i].Shndx);
            }
        }
        int header = is64 ? 64 : 52, shentsize = is64 ? 64 : 40;
        var symOff = header;
        var strOff = symOff + symtab.Length;
        var names = "\0.text\0.symtab\0.strtab\0.shstrtab\0"u8.ToArray();
        var namesOff = strOff + strtab.Count;
        var shoff = (namesOff + names.Length + 7) & ~7;
        var file = new byte[shoff + (5 * shentsize)];
        "\u007fELF"u8.CopyTo(file);
        file[4] = (byte)(is64 ? 2 : 1);
        file[5] = 1; // little-endian
        file[6] = 1; // EI_VERSION
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(0x10), 2); // e_type ET_EXEC
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(0x14), 1); // e_version EV_CURRENT
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(is64 ? 0x34 : 0x28), (ushort)header); // e_ehsize
        if (is64) BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(0x28), (ulong)shoff);
        else BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(0x20), (uint)shoff);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(is64 ? 0x3A : 0x2E), (ushort)shentsize);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(is64 ? 0x3C : 0x30), 5); // e_shnum
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(is64 ? 0x3E : 0x32), 4); // e_shstrndx
        names.CopyTo(file, namesOff);
        symtab.CopyTo(file, symOff);
        strtab.ToArray().CopyTo(file, strOff);
        Section(1, 1, 8, 0, 0, 0); // SHT_NOBITS .text
        Section(2, 7, 2, symOff, symtab.Length, 3); // SHT_SYMTAB .symtab, sh_link = .strtab
        Section(3, 15, 3, strOff, strtab.Count, 0); // SHT_STRTAB .strtab
        Section(4, 23, 3, namesOff, names.Length, 0); // SHT_STRTAB .shstrtab
        return file;

        void Section(int index, uint name, uint type, int offset, int size, uint link)
        {
            var sh = shoff + (index * shentsize);
            BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(sh), name); // sh_name: offset in .shstrtab
            BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(sh + 4), type);
            if (is64)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(sh + 0x18), (ulong)offset);
                BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(sh + 0x20), (ulong)size);
                BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(sh + 0x28), link);
                if (type == 2) BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(sh + 0x38), (ulong)entry); // sh_entsize
            }
            else
            {
                BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(sh + 0x10), (uint)offset);
                BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(sh + 0x14), (uint)size);
                BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(sh + 0x18), link);
                if (type == 2) BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(sh + 0x24), (uint)entry); // sh_entsize
            }
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Reads_defined_named_symbols_with_globals_first(bool is64)
    {
        var symbols = ElfSymbols.Read(Elf(is64,
            new Sym("_start", 0x200000, Type: 0),
            new Sym("xen_second", 0x329000, Bind: 0), // static in mm.c: local, yet wanted
            new Sym("__func__.0", 0x111000, Bind: 0),
            new Sym("__func__.0", 0x222000, Bind: 0), // a second local of that name: the first stays
            new Sym("dup", 0x1000, Bind: 0),
            new Sym("dup", 0x2000), // the global wins over the earlier local
            new Sym("$x", 0x200000, Bind: 0, Type: 0), // Arm mapping symbol
            new Sym("mm.c", 0, Bind: 0, Type: 4), // STT_FILE
            new Sym(".bss", 0x300000, Bind: 0, Type: 3), // STT_SECTION
            new Sym("undefined_one", 0, Shndx: 0)));
        Assert.Equal(
            new Dictionary<string, ulong> { ["_start"] = 0x200000, ["xen_second"] = 0x329000, ["__func__.0"] = 0x111000, ["dup"] = 0x2000 },
            symbols);
    }

    [Fact]
    public void A_stripped_or_truncated_elf_is_a_format_error()
    {
        var elf = Elf(true, new Sym("_start", 0x200000));
        var stripped = (byte[])elf.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(stripped.AsSpan(BinaryPrimitives.ReadInt32LittleEndian(elf.AsSpan(0x28)) + (2 * 64) + 4), 1);
        Assert.Contains("no symbol table", Assert.Throws<FormatException>(() => ElfSymbols.Read(stripped)).Message, StringComparison.Ordinal);
        Assert.Contains("truncated", Assert.Throws<FormatException>(() => ElfSymbols.Read(elf[..^70])).Message, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => ElfSymbols.Read("not an ELF at all, but long enough to be read as one........"u8.ToArray()));
    }

    [Fact]
    public void Xen_symbols_load_an_elf_as_its_symbol_table()
    {
        var path = Path.GetTempFileName();
        File.WriteAllBytes(path, Elf(true, new Sym("_start", 0x200000), new Sym("xen_first", 0x32a000, Bind: 0)));
        try
        {
            Assert.Equal(0x12a000UL, XenSymbols.Load(path, "--xen-syms", ElfSymbols.Read).Offset("xen_first", "--xen-syms"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Debian's 4.17.7+13 xen-syms (xen-hypervisor-4.17-arm64-dbg; path in XEN_ARM64_SYMS): readelf -s gives these.</summary>
    [XenSymsFact]
    public void Debians_4_17_7_xen_syms_has_the_static_tables_its_system_map_lacks()
    {
        var s = ElfSymbols.Read(File.ReadAllBytes(XenSymsFactAttribute.Path!));
        Assert.Equal((0x200000UL, 0x297000UL, 0x328000UL, 0x329000UL, 0x32a000UL, 0x32b000UL, 0x2aaa70UL, 0x2aaaf0UL, 0x3360c8UL),
            (s["_start"], s["xen_fixmap"], s["xen_xenmap"], s["xen_second"], s["xen_first"], s["xen_pgtable"], s["pmap_map"], s["pmap_unmap"],
                s["_end"]));
    }
}

/// <summary>A fact that needs Debian's xen-syms (path in XEN_ARM64_SYMS; .ci/run downloads it): skipped, saying so, without it.</summary>
public sealed class XenSymsFactAttribute : FactAttribute
{
    public XenSymsFactAttribute()
    {
        if (Path is null) Skip = "no xen-syms: set XEN_ARM64_SYMS to xen-syms-4.17-arm64 from xen-hypervisor-4.17-arm64-dbg";
    }

    public static string? Path => Environment.GetEnvironmentVariable("XEN_ARM64_SYMS") is { Length: > 0 } p && File.Exists(p) ? p : null;
}
