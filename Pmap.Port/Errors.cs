namespace Pmap.Port;

/// <summary>What kind of Xen check fired: it decides whether a release build keeps it.</summary>
public enum XenCheckKind
{
    /// <summary>ASSERT(p): evaluated in debug builds only (xen/include/xen/lib.h).</summary>
    Assert,
    /// <summary>BUG_ON(p) / BUG(): always evaluated.</summary>
    Bug,
    /// <summary>panic(fmt): always.</summary>
    Panic,
}

/// <summary>
/// The simulated hypervisor died the way Xen would: a failed ASSERT, a BUG_ON or a panic.
/// <see cref="XenText"/> is Xen's own text (the ASSERT/BUG_ON condition or the panic string).
/// </summary>
public abstract class XenCrashException(XenCheckKind kind, string xenText, string where, string? site)
    : Exception(Describe(kind, xenText, where, site))
{
    /// <summary>ASSERT, BUG_ON or panic.</summary>
    public XenCheckKind Kind { get; } = kind;
    /// <summary>The unexpanded condition of the ASSERT/BUG_ON, or the panic message.</summary>
    public string XenText { get; } = xenText;
    /// <summary>The Xen function whose check fired (e.g. pmap_unmap).</summary>
    public string Where { get; } = where;
    /// <summary>Source file and line of the check in the modelled Xen revision, when known.</summary>
    public string? Site { get; } = site;

    private static string Describe(XenCheckKind kind, string text, string where, string? site) => kind switch
    {
        XenCheckKind.Assert => $"Assertion '{text}' failed in {where}" + (site is null ? "" : $" at {site}"),
        XenCheckKind.Bug => $"Xen BUG in {where}" + (site is null ? "" : $" at {site}") + (text == "BUG()" ? "" : $": BUG_ON({text})"),
        _ => $"Panic in {where}: {text}",
    };
}

/// <summary>A failed ASSERT (debug builds only).</summary>
public class XenAssertException(string condition, string where, string? site = null)
    : XenCrashException(XenCheckKind.Assert, condition, where, site);

/// <summary>A BUG_ON whose condition held, or a BUG().</summary>
public class XenBugException(string condition, string where, string? site = null)
    : XenCrashException(XenCheckKind.Bug, condition, where, site);

/// <summary>A panic().</summary>
public class XenPanicException(string message, string where, string? site = null)
    : XenCrashException(XenCheckKind.Panic, message, where, site);

/// <summary>The architecture's virt_to_fix(): BUG_ON(vaddr &gt;= FIXADDR_TOP || vaddr &lt; FIXADDR_START).</summary>
public sealed class VirtToFixBugException(string condition, string? site)
    : XenBugException(condition, "virt_to_fix", site);

/// <summary>Bad input to the model itself (not a Xen check): an address outside the architecture, an unknown name.</summary>
public sealed class PmapUsageException(string message) : Exception(message);

/// <summary>
/// Invalid configuration: the key, the value refused (when the fault is one value), where it came from (when known) and what is
/// wrong; the message is composed from them ("NumFixPmap: 'lots' (from environment variable PMAP_NUMFIXPMAP) is not valid: ...").
/// </summary>
public sealed class PmapConfigurationException(string key, string reason, string? source = null, string? value = null)
    : Exception(Compose(key, reason, source, value))
{
    /// <summary>The configuration key at fault.</summary>
    public string Key { get; } = key;

    /// <summary>What is wrong, without the key, the value or its source ("is not valid: expected true or false").</summary>
    public string Reason { get; } = reason;

    /// <summary>
    /// Where the value came from ("environment variable PMAP_NUMFIXPMAP"), or null when not known (not <see cref="Exception.Source"/>,
    /// .NET's name of the throwing assembly).
    /// </summary>
    public string? ValueSource { get; } = source;

    /// <summary>The value refused as configured, or null when the fault is not one value.</summary>
    public string? Value { get; } = value;

    /// <summary>The same fault under <paramref name="key"/> (a fuller path), with the value's source.</summary>
    public PmapConfigurationException At(string key, string? source) => new(key, Reason, source, Value);

    private static string Compose(string key, string reason, string? source, string? value)
    {
        var from = source is null ? "" : $" (from {source})";
        return value is null ? $"{key}: {reason}{from}" : $"{key}: '{value}'{from} {reason}";
    }
}

/// <summary>A fault of a port that Core detects (an instruction its vocabulary does not declare, an impossible fact): exit 3, kind plugin.</summary>
public sealed class PmapPluginException(string port, string message) : Exception($"{port}: {message}")
{
    /// <summary>The architecture at fault.</summary>
    public string Port { get; } = port;

    /// <summary>What is wrong, without the port's name (for a line that names the port already).</summary>
    public string Reason { get; } = message;

    /// <summary>A hook executed, or a fact names, an instruction the port did not declare.</summary>
    internal static PmapPluginException Undeclared(string port, string mnemonic, string hook, InstructionSet? vocabulary) =>
        new(port, $"{hook} executes '{mnemonic}', which the port's instruction set does not declare" +
            (vocabulary is null ? "" : $" (it declares {vocabulary.Describe()})"));
}
