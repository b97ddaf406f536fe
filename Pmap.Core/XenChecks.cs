using Pmap.Core.Machine;

namespace Pmap.Core;

/// <summary>pmap.c: ASSERT(system_state &lt; SYS_STATE_smp_boot).</summary>
internal sealed class PmapSystemStateAssertException(string where, string? site)
    : XenAssertException("system_state < SYS_STATE_smp_boot", where, site);

/// <summary>pmap.c: ASSERT(!in_irq()).</summary>
public sealed class PmapInIrqAssertException(string where, string? site)
    : XenAssertException("!in_irq()", where, site);

/// <summary>pmap.c: ASSERT(slot &gt;= FIX_PMAP_BEGIN &amp;&amp; slot &lt;= FIX_PMAP_END) (names as in the modelled revision).</summary>
public sealed class PmapSlotRangeAssertException(string condition, string where, string? site)
    : XenAssertException(condition, where, site);

/// <summary>pmap.c: panic("Out of PMAP slots\n").</summary>
public sealed class OutOfPmapSlotsPanicException(string? site)
    : XenPanicException("Out of PMAP slots", "pmap_map", site);

/// <summary>
/// A data abort / page fault in the hypervisor itself: an access through a VA whose translation faulted.
/// Xen treats it as fatal; the model reports it as a panic with the faulting VA.
/// </summary>
public sealed class HypervisorFaultException(TranslationFault fault, string where, string? cause = null)
    : XenPanicException($"{fault.Describe()} in hypervisor context" + (cause is null ? "" : $": {cause}"), where)
{
    /// <summary>The fault the access took.</summary>
    public TranslationFault Fault { get; } = fault;

    /// <summary>Why the entry was not there when the model knows (a store not yet synchronised under strict ordering), else null.</summary>
    public string? Cause { get; } = cause;
}

/// <summary>
/// The machine failed pmap rather than the input or a plugin (a full disk, a broken stdout, QEMU missing or killed): exit 3,
/// kind environment.
/// </summary>
public class PmapEnvironmentException(string message, Exception? inner = null) : Exception(message, inner);
