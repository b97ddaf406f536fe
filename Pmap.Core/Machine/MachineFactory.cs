namespace Pmap.Core.Machine;

/// <summary>Machines for a port's model: the engine's side of <see cref="ArchModel"/>, which states facts and builds nothing.</summary>
public static class MachineFactory
{
    /// <summary>A freshly booted machine: RAM in the boot allocator less Xen's image, static tables built, early_boot.</summary>
    public static XenMachine Boot(this ArchModel model, MachineOptions? options = null)
    {
        var m = new XenMachine(model, options?.Ram ?? [model.DefaultRam], options);
        m.BootAllocator.Reserve(model.Image.Bank.Base, model.Image.Bank.End);
        model.Image.NameTables(m);
        model.SetupPageTables(m);
        m.Trace.Clear();
        return m;
    }
}
