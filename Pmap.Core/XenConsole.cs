namespace Pmap.Core;

/// <summary>
/// What Xen's console shows when it dies, as printk prints it ("(XEN) " before each line, no timestamp by default).
/// A failed BUG_ON or ASSERT goes through do_bug_frame (arch/arm/traps.c; common/bug.c on RISC-V and x86): it prints
/// "Xen BUG at %s%s:%d" or "Assertion '%s' failed at %s%s:%d", shows the execution state (not modelled), then panic()s
/// with the same text. panic() (drivers/char/console.c) prints a blank line, 40 stars, "Panic on CPU %d:", the message,
/// 40 stars, a blank line and "Reboot in five seconds...".
/// </summary>
public static class XenConsole
{
    /// <summary>What Xen's console puts before every line.</summary>
    public const string Prefix = "(XEN) ";

    /// <summary>The row of stars around the panic banner.</summary>
    public static readonly string Stars = new('*', 40);

    /// <summary>Xen's lines for a crash; empty when Xen's text is not known (no source line for the check, or a model-made fault).</summary>
    public static IReadOnlyList<string> Lines(XenCrashException e)
    {
        string message;
        var lines = new List<string>();
        if (e.Kind == XenCheckKind.Panic)
        {
            if (e is HypervisorFaultException) return []; // Xen prints a data abort / page fault report, not modelled
            message = e.XenText;
        }
        else
        {
            if (FileAndLine(e.Site) is not { } at) return [];
            message = e.Kind == XenCheckKind.Assert ? $"Assertion '{e.XenText}' failed at {at}" : $"Xen BUG at {at}";
            lines.Add(message);
        }
        lines.AddRange(["", Stars, "Panic on CPU 0:", message, Stars, "", "Reboot in five seconds..."]);
        return lines.Select(l => Prefix + l).ToList();
    }

    /// <summary>
    /// "%s%s:%d" of a bug frame: headers reach the compiler as -I$(srctree)/arch/$(ARCH)/include with srctree "." (an in-tree
    /// build), C files as their path under xen/; a file name over 50 characters is shown as "..." and its last 47.
    /// </summary>
    public static string? FileAndLine(string? site)
    {
        var colon = site?.LastIndexOf(':') ?? -1;
        if (site is null || colon < 0 || !int.TryParse(site[(colon + 1)..], out var line)) return null;
        var file = site[..colon];
        if (file.Contains("/include/", StringComparison.Ordinal)) file = "./" + file;
        return (file.Length > 50 ? "..." + file[^47..] : file) + ":" + line.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
