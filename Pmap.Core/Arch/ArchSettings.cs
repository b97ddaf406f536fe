using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Pmap.Core.Arch;

/// <summary>What a model is configured with: profile, PMAP size, debug build, and the architecture's own section.</summary>
public sealed record ArchSettings(string Profile, int NumFixPmap, bool Debug, IConfiguration Section)
{
    /// <summary>Where Xen's image (with its static page tables) is loaded, when a caller decides it (the workloads do).</summary>
    public PhysAddr? XenLoadAddress { get; init; }

    /// <summary>A xen-syms symbol list given on the command line (--xen-syms); it wins over the section's SymbolsFile key.</summary>
    public string? SymbolsFile { get; init; }

    /// <summary>The build's symbols (--xen-syms, else the SymbolsFile key), or null when neither is given.</summary>
    public XenSymbols? Symbols() => SymbolsFile is { } cli ? XenSymbols.Load(cli, "--xen-syms")
        : Section["SymbolsFile"] is { } file ? XenSymbols.Load(file, "SymbolsFile") : null;

    /// <summary>The load address: <see cref="XenLoadAddress"/>, else the section's XenLoadAddress key, else the port's default.</summary>
    public PhysAddr LoadAddress(PhysAddr defaultValue, ulong alignment) =>
        XenLoadAddress ?? new PhysAddr(GetAddress("XenLoadAddress", defaultValue.Value, alignment));

    /// <summary>An empty configuration section: the defaults of every port option.</summary>
    public static IConfiguration EmptySection { get; } = new ConfigurationBuilder().Build();

    /// <summary>An option's value; an object or array where a value belongs is refused, not ignored.</summary>
    public string? Value(string key)
    {
        var section = Section.GetSection(key);
        if (section.GetChildren().Any())
            throw new PmapConfigurationException(key, "is an object or array: expected a single value");
        return section.Value;
    }

    /// <summary>Settings for <paramref name="profile"/> with the defaults of pmap.h (NUM_FIX_PMAP 8) and a debug build.</summary>
    public static ArchSettings For(string profile, int numFixPmap = 8, bool debug = true, IConfiguration? section = null) =>
        new(profile, numFixPmap, debug, section ?? EmptySection);

    /// <summary>Reads a boolean architecture option, refusing values that are not true/false.</summary>
    public bool GetBool(string key, bool defaultValue) => Value(key) switch
    {
        null => defaultValue,
        var s when bool.TryParse(s, out var b) => b,
        var s => throw new PmapConfigurationException(key, $"'{s}' is not true or false"),
    };

    /// <summary>Reads an address option (0x hex or decimal) that must be a multiple of <paramref name="alignment"/>.</summary>
    public ulong GetAddress(string key, ulong defaultValue, ulong alignment)
    {
        var s = Value(key);
        if (s is null) return defaultValue;
        if (!Hex.TryParseNumber(s, out var v) || v % alignment != 0)
            throw new PmapConfigurationException(key, $"'{s}' is not an address aligned to {Hex.Format(alignment)}");
        return v;
    }

    /// <summary>Reads a whole-number architecture option within [min, max].</summary>
    public int GetInt(string key, int defaultValue, int min, int max)
    {
        var s = Value(key);
        if (s is null) return defaultValue;
        if (!int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) || v < min || v > max)
            throw new PmapConfigurationException(key, $"'{s}' is not a whole number from {min} to {max}");
        return v;
    }
}
