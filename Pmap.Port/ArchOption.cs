using System.Globalization;

namespace Pmap.Port;

/// <summary>The type of an architecture option's value.</summary>
public enum ArchOptionType
{
    /// <summary>true or false.</summary>
    Boolean,
    /// <summary>A whole number within [Min, Max].</summary>
    WholeNumber,
    /// <summary>0x hex or decimal, a multiple of the alignment.</summary>
    Address,
    /// <summary>One of the allowed values (case-insensitive).</summary>
    Choice,
    /// <summary>"start-end": two 0x hex or decimal numbers, start &lt;= end.</summary>
    Range,
    /// <summary>A file path (read when the model is built).</summary>
    File,
}

/// <summary>
/// One key a port reads under <c>Architectures:NAME:</c>, declared once: its type, default, allowed values and meaning.
/// The port reads it through <see cref="ArchSettings"/> with this declaration, the host validates every configured value
/// against it at start, warns about keys no declaration names, and lists the declarations in `pmap config` and `arch list`.
/// </summary>
/// <param name="Key">The key below the architecture's section, in configuration form (<c>MapSfence</c>, <c>Tables:xen_fixmap</c>).</param>
/// <param name="Type">The value's type.</param>
/// <param name="Default">The value used when none is configured, as it would be written; null when there is none or it depends on the profile.</param>
/// <param name="Meaning">One line: what the option models.</param>
public sealed record ArchOption(string Key, ArchOptionType Type, string? Default, string Meaning)
{
    /// <summary>For <see cref="ArchOptionType.Choice"/>: the values allowed.</summary>
    public IReadOnlyList<string> Allowed { get; init; } = [];
    /// <summary>For <see cref="ArchOptionType.WholeNumber"/>: the smallest value allowed.</summary>
    public long Min { get; init; }
    /// <summary>For <see cref="ArchOptionType.WholeNumber"/>: the largest value allowed.</summary>
    public long Max { get; init; }
    /// <summary>For <see cref="ArchOptionType.Address"/>: the value must be a multiple of this.</summary>
    public ulong Alignment { get; init; } = 1;

    /// <summary>A true/false option.</summary>
    public static ArchOption Boolean(string key, bool defaultValue, string meaning) =>
        new(key, ArchOptionType.Boolean, defaultValue ? "true" : "false", meaning);

    /// <summary>A whole-number option within [min, max].</summary>
    public static ArchOption WholeNumber(string key, int defaultValue, int min, int max, string meaning) =>
        new(key, ArchOptionType.WholeNumber, defaultValue.ToString(CultureInfo.InvariantCulture), meaning) { Min = min, Max = max };

    /// <summary>An address or offset option aligned to <paramref name="alignment"/>; a null default depends on the profile.</summary>
    public static ArchOption Address(string key, ulong? defaultValue, ulong alignment, string meaning) =>
        new(key, ArchOptionType.Address, defaultValue is { } d ? Hex.Format(d) : null, meaning) { Alignment = alignment };

    /// <summary>One of <paramref name="allowed"/>, the first the default.</summary>
    public static ArchOption Choice(string key, IReadOnlyList<string> allowed, string meaning) =>
        new(key, ArchOptionType.Choice, allowed[0], meaning) { Allowed = allowed };

    /// <summary>A "start-end" pair of offsets; a null default depends on the profile.</summary>
    public static ArchOption Range(string key, string meaning) => new(key, ArchOptionType.Range, null, meaning);

    /// <summary>A file path, unset by default.</summary>
    public static ArchOption File(string key, string meaning) => new(key, ArchOptionType.File, null, meaning);

    /// <summary>The type as `arch list` names it: boolean, integer, address, choice, range, file.</summary>
    public string TypeName => Type == ArchOptionType.WholeNumber ? "integer" : Type.ToString().ToLowerInvariant();

    /// <summary>What a value must be, for the error that refuses one ("true or false").</summary>
    public string Expected => Type switch
    {
        ArchOptionType.Boolean => "true or false",
        ArchOptionType.WholeNumber => $"a whole number from {Min} to {Max}",
        ArchOptionType.Address => Alignment > 1 ? $"an address (0x hex or decimal) aligned to {Hex.Format(Alignment)}" : "an address (0x hex or decimal)",
        ArchOptionType.Choice => $"one of {string.Join(", ", Allowed)}",
        ArchOptionType.Range => "\"start-end\": two offsets, start <= end (e.g. 0x0-0x7476c)",
        _ => "a file path",
    };

    /// <summary>Whether <paramref name="value"/> is one this option accepts.</summary>
    public bool Accepts(string value) => Type switch
    {
        ArchOptionType.Boolean => bool.TryParse(value, out _),
        ArchOptionType.WholeNumber => long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= Min && n <= Max,
        ArchOptionType.Address => Hex.TryParseNumber(value, out var a) && a % Alignment == 0,
        ArchOptionType.Choice => Allowed.Contains(value.Trim(), StringComparer.OrdinalIgnoreCase),
        ArchOptionType.Range => TryParseRange(value, out _, out _),
        _ => !string.IsNullOrWhiteSpace(value),
    };

    /// <summary>"start-end" as two numbers, start &lt;= end.</summary>
    public static bool TryParseRange(string value, out ulong start, out ulong end)
    {
        start = end = 0;
        var parts = value.Split('-', StringSplitOptions.TrimEntries);
        return parts.Length == 2 && Hex.TryParseNumber(parts[0], out start) && Hex.TryParseNumber(parts[1], out end) && start <= end;
    }
}

/// <summary>Keys Core itself reads for a port that declares them.</summary>
public static class ArchOptions
{
    /// <summary>Architectures:NAME:Profile, read by the host for every architecture; never declared by a port.</summary>
    public const string ProfileKey = "Profile";

    /// <summary>The xen-syms ELF (or its nm / System.map listing) whose image to model; --xen-syms wins over it.</summary>
    public static ArchOption SymbolsFile { get; } =
        ArchOption.File("SymbolsFile", "the xen-syms ELF, or its nm / System.map listing, whose image to model (--xen-syms wins)");

    /// <summary>Where Xen's image is loaded, aligned as the port's head.S requires.</summary>
    public static ArchOption XenLoadAddress(ulong defaultValue, ulong alignment) =>
        ArchOption.Address("XenLoadAddress", defaultValue, alignment, "the physical address Xen's image is loaded at");
}
