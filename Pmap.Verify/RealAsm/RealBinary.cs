using Pmap.Core.Arch;

namespace Pmap.Verify.RealAsm;

/// <summary>
/// What pmap reads from a build's xen-syms to follow its PMAP code: the functions (with their ranges and bytes) and the link-time
/// addresses of pmap_map, pmap_unmap, xen_fixmap (the fixmap's page table), system_state and phys_offset (Arm's VA-to-PA offset).
/// </summary>
public sealed record RealBinary(string Name, ElfImage Elf, ulong PmapMap, ulong PmapUnmap, ulong XenFixmap, ulong SystemState, ulong? PhysOffset)
{
    /// <summary>
    /// Reads <paramref name="path"/> (the host has checked it is a regular file of bounded size); an unreadable file or a missing
    /// symbol is a configuration error on --xen-syms.
    /// </summary>
    public static RealBinary Load(string path)
    {
        const string key = "--xen-syms";
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new PmapConfigurationException(key, $"cannot read '{path}': {e.Message}");
        }
        if (!XenSymbols.IsElf(bytes))
            throw new PmapConfigurationException(key, $"'{path}' is not an ELF file: the instructions are read from xen-syms itself (the -dbg package's)");
        try
        {
            var elf = ElfImage.Read(bytes);
            var symbols = ElfSymbols.Read(bytes);
            ulong Symbol(string name) => symbols.TryGetValue(name, out var v) ? v : throw new PmapConfigurationException(key, $"'{path}' has no symbol {name}");
            return new RealBinary(Path.GetFileName(path), elf, Symbol("pmap_map"), Symbol("pmap_unmap"), Symbol("xen_fixmap"), Symbol("system_state"),
                symbols.TryGetValue("phys_offset", out var po) ? po : null);
        }
        catch (FormatException e)
        {
            throw new PmapConfigurationException(key, $"'{path}': {e.Message}");
        }
    }
}
