using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Pmap.Port;

/// <summary>What a model is configured with: profile, PMAP size, debug build, and the architecture's own section.</summary>
public sealed record ArchSettings(string Profile, int NumFixPmap, bool Debug, IConfiguration Section)
{
    /// <summary>Where Xen's image (with its static page tables) is loaded, when a caller decides it (the workloads do).</summary>
    public PhysAddr? XenLoadAddress { get; init; }

    /// <summary>A xen-syms symbol list given on the command line (--xen-syms); it wins over the section's SymbolsFile key.</summary>
    public string? SymbolsFile { get; init; }

    /// <summary>
    /// The architecture whose options these are and what it declares (set by <see cref="Architecture{TProfile}"/>): reading an
    /// option it does not declare is a fault of the port. Null for settings made outside an architecture (tests).
    /// </summary>
    public (string Port, IReadOnlyList<ArchOption> Options)? Declared { get; init; }

    /// <summary>Reads an ELF file's symbol table (the engine's, set by the host); null: only nm / System.map text is read.</summary>
    public Func<byte[], IReadOnlyDictionary<string, ulong>>? ElfSymbolReader { get; init; }

    /// <summary>The build's symbols (--xen-syms, else the SymbolsFile key), or null when neither is given.</summary>
    public XenSymbols? Symbols() => SymbolsFile is { } cli ? XenSymbols.Load(cli, "--xen-syms", ElfSymbolReader)
        : Value(ArchOptions.SymbolsFile) is { } file ? XenSymbols.Load(file, ArchOptions.SymbolsFile.Key, ElfSymbolReader) : null;

    /// <summary>The load address: <see cref="XenLoadAddress"/>, else the option (declared by the port with its default and alignment).</summary>
    public PhysAddr LoadAddress(ArchOption option) => XenLoadAddress ?? new PhysAddr(GetAddress(option));

    /// <summary>An empty configuration section: the defaults of every port option.</summary>
    public static IConfiguration EmptySection { get; } = new ConfigurationBuilder().Build();

    /// <summary>
    /// An option's configured value, or null; an object or array where a value belongs is refused, not ignored, and so is a
    /// value the option does not accept (naming what it expects).
    /// </summary>
    public string? Value(ArchOption option)
    {
        if (Declared is { } d && !d.Options.Any(o => o.Key.Equals(option.Key, StringComparison.OrdinalIgnoreCase)))
            throw new PmapPluginException(d.Port, $"reads option '{option.Key}', which the port does not declare among its options");
        var section = Section.GetSection(option.Key);
        if (section.GetChildren().Any())
            throw new PmapConfigurationException(option.Key, "is an object or array: expected a single value");
        if (section.Value is { } s && !option.Accepts(s))
            throw new PmapConfigurationException(option.Key, $"is not valid: expected {option.Expected}", value: s);
        return section.Value;
    }

    /// <summary>The configured value, else the declared default (null when neither).</summary>
    private string? ValueOrDefault(ArchOption option) => Value(option) ?? option.Default;

    /// <summary>Settings for <paramref name="profile"/> with the defaults of pmap.h (NUM_FIX_PMAP 8) and a debug build.</summary>
    public static ArchSettings For(string profile, int numFixPmap = 8, bool debug = true, IConfiguration? section = null) =>
        new(profile, numFixPmap, debug, section ?? EmptySection);

    /// <summary>A boolean option.</summary>
    public bool GetBool(ArchOption option) => bool.Parse(ValueOrDefault(option) ?? "false");

    /// <summary>An address option (0x hex or decimal); one without a default must be given a fallback.</summary>
    public ulong GetAddress(ArchOption option, ulong? fallback = null) => ValueOrDefault(option) is { } s && Hex.TryParseNumber(s, out var v)
        ? v : fallback ?? throw new InvalidOperationException($"option {option.Key} has no default and no fallback");

    /// <summary>A whole-number option.</summary>
    public int GetInt(ArchOption option) => int.Parse(ValueOrDefault(option) ?? "0", NumberStyles.Integer, CultureInfo.InvariantCulture);

    /// <summary>A choice option, as one of its allowed spellings.</summary>
    public string GetChoice(ArchOption option)
    {
        var s = ValueOrDefault(option)?.Trim() ?? option.Allowed[0];
        return option.Allowed.First(a => a.Equals(s, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>A "start-end" option, or <paramref name="fallback"/> when it is not configured.</summary>
    public (ulong Start, ulong End) GetRange(ArchOption option, (ulong Start, ulong End) fallback) =>
        Value(option) is { } s && ArchOption.TryParseRange(s, out var a, out var b) ? (a, b) : fallback;
}
