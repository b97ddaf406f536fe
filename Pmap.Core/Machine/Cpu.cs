#pragma warning disable CS1591 // Some public members here still lack XML documentation: to fill in (every other file is complete).
namespace Pmap.Core.Machine;

/// <summary>Xen's enum system_state (xen/include/xen/kernel.h); the order matters: PMAP needs &lt; SmpBoot.</summary>
public enum SystemState
{
    EarlyBoot = 0,
    Boot = 1,
    SmpBoot = 2,
    Active = 3,
    Suspend = 4,
    Resume = 5,
}

public static class SystemStates
{
    /// <summary>Xen's spelling without the SYS_STATE_ prefix (early_boot, smp_boot, ...).</summary>
    public static string XenName(this SystemState s) => s switch
    {
        SystemState.EarlyBoot => "early_boot",
        SystemState.Boot => "boot",
        SystemState.SmpBoot => "smp_boot",
        SystemState.Active => "active",
        SystemState.Suspend => "suspend",
        SystemState.Resume => "resume",
        _ => throw new ArgumentOutOfRangeException(nameof(s)),
    };

    public static bool TryParse(string text, out SystemState state)
    {
        foreach (var s in Enum.GetValues<SystemState>())
        {
            if (string.Equals(text, s.XenName(), StringComparison.OrdinalIgnoreCase)
                || string.Equals(text, "SYS_STATE_" + s.XenName(), StringComparison.OrdinalIgnoreCase))
            {
                state = s;
                return true;
            }
        }
        state = default;
        return false;
    }

    public static string Allowed => string.Join(", ", Enum.GetValues<SystemState>().Select(s => s.XenName()));
}

/// <summary>The one CPU that runs early boot: system state, IRQ nesting, the page-table root and the TLB.</summary>
public sealed class Cpu(Tlb tlb)
{
    public SystemState SystemState { get; set; } = SystemState.EarlyBoot;

    /// <summary>local_irq_count(): irq_enter() increments, irq_exit() decrements.</summary>
    public int LocalIrqCount { get; set; }

    /// <summary>in_irq() = local_irq_count(smp_processor_id()) != 0.</summary>
    public bool InIrq => LocalIrqCount != 0;

    /// <summary>The page-table root register (TTBR0_EL2, HTTBR, CR3, satp) as a physical address.</summary>
    public PhysAddr Root { get; set; }

    public Tlb Tlb { get; } = tlb;
}
