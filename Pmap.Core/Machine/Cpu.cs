#pragma warning disable CS1591 // Some public members here still lack XML documentation: to fill in (every other file is complete).
namespace Pmap.Core.Machine;

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
