namespace Pmap.Core;

/// <summary>What stopped a command: the error object's <c>kind</c> (docs/CLI.md §3), named only when written out.</summary>
public enum ErrorKind
{
    /// <summary>A Xen ASSERT failed (exit 1).</summary>
    Assert,

    /// <summary>A Xen BUG_ON fired (exit 1).</summary>
    Bug,

    /// <summary>Xen panicked (exit 1).</summary>
    Panic,

    /// <summary>A conformance check failed (exit 4).</summary>
    Conformance,

    /// <summary>Bad usage of the command line (exit 2).</summary>
    Usage,

    /// <summary>No plugin loaded, or a plugin's fault (exit 3).</summary>
    Plugin,

    /// <summary>An invalid configuration value or file (exit 3).</summary>
    Config,

    /// <summary>The model failed its own verification, not Xen (exit 3).</summary>
    Model,

    /// <summary>The machine failed the run: a full disk, a broken stream, QEMU missing (exit 3).</summary>
    Environment,
}

/// <summary>The one mapping of <see cref="ErrorKind"/> to the strings docs/CLI.md gives them.</summary>
public static class ErrorKinds
{
    /// <summary>The kind of a Xen crash.</summary>
    public static ErrorKind Of(XenCheckKind kind) => kind switch
    {
        XenCheckKind.Assert => ErrorKind.Assert,
        XenCheckKind.Bug => ErrorKind.Bug,
        _ => ErrorKind.Panic,
    };

    /// <summary>The JSON and text name: assert, bug, panic, conformance, usage, plugin, config, model, environment.</summary>
    public static string JsonName(this ErrorKind kind) => kind switch
    {
        ErrorKind.Assert => "assert",
        ErrorKind.Bug => "bug",
        ErrorKind.Panic => "panic",
        ErrorKind.Conformance => "conformance",
        ErrorKind.Usage => "usage",
        ErrorKind.Plugin => "plugin",
        ErrorKind.Config => "config",
        ErrorKind.Model => "model",
        ErrorKind.Environment => "environment",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
