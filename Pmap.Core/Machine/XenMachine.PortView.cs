namespace Pmap.Core.Machine;

// What a port's hooks reach of the machine besides the primitives: its state, its memory and pmap.c.
public sealed partial class XenMachine : IXenMachine
{
    /// <inheritdoc/>
    public SystemState SystemState => Cpu.SystemState;

    /// <inheritdoc/>
    public PhysAddr Root
    {
        get => Cpu.Root;
        set => Cpu.Root = value;
    }

    /// <inheritdoc/>
    public void ReserveBootPages(PhysAddr start, PhysAddr limit) => BootAllocator.Reserve(start, limit);

    /// <inheritdoc/>
    public ulong ReadPhys64(PhysAddr pa) => Memory.Read64(pa);

    /// <inheritdoc/>
    public void WritePhys64(PhysAddr pa, ulong value) => Memory.Write64(pa, value);

    /// <inheritdoc/>
    public VirtAddr PmapMap(Mfn mfn) => Pmap.Map(mfn);

    /// <inheritdoc/>
    public void PmapUnmap(VirtAddr va) => Pmap.Unmap(va);

    IDisposable IXenMachine.Hook(string name, VirtAddr? va) => Hook(name, va);
}
