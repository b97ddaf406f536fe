using Pmap.Core;
using Pmap.Qemu;
using Pmap.Verify.RealXen;

namespace Pmap.Verify.RealAsm;

/// <summary>
/// Single-steps every pmap_map and pmap_unmap call of a real Xen booting under QEMU, from the function's first instruction to
/// its return (callees included: find_next_zero_bit, set_bit, mfn_to_xen_entry, ...). At each step it reads the PC and the 4
/// bytes there, decodes them, and for a store or a tlbi reads the registers it uses (and, for a store, the memory it
/// overwrites) before the step executes it.
/// </summary>
public static class DynamicTrace
{
    /// <summary>Most instructions one call may take before the trace gives up (Debian 4.17.7's pmap_map takes about 60).</summary>
    public const int MaxSteps = 20_000;

    /// <summary>Runs the paused <paramref name="q"/> to its power-off, recording each call.</summary>
    public static IReadOnlyList<ExecutedCall> Run(QemuInstance q, XenBootTarget boot, RealBinary bin, Arm64Decoder decoder,
        RealClassifier classifier, DateTime deadline)
    {
        var gdb = q.Gdb;
        var calls = new List<ExecutedCall>();
        var entries = new Dictionary<ulong, string> { [bin.PmapMap] = "pmap_map", [bin.PmapUnmap] = "pmap_unmap" };
        foreach (var at in entries.Keys) gdb.SetBreakpoint(at);
        while (true)
        {
            gdb.Continue(Left(deadline));
            var pc = gdb.ReadRegister("pc");
            if (!entries.TryGetValue(pc, out var call))
            {
                var status = q.Qmp.HumanMonitorCommand("info status");
                if (!status.Contains("shutdown", StringComparison.Ordinal))
                    throw new GdbProtocolException($"Xen stopped at {Hex.Format(pc)} ({status.Trim()}), neither in pmap_map/pmap_unmap nor powered off");
                foreach (var at in entries.Keys) gdb.RemoveBreakpoint(at);
                return calls;
            }
            // No breakpoint while the call is stepped: each step executes exactly one instruction.
            foreach (var at in entries.Keys) gdb.RemoveBreakpoint(at);
            var ret = gdb.ReadRegister(boot.LinkRegister);
            var state = (SystemState)BitConverter.ToInt32(gdb.ReadMemory(bin.SystemState, 4));
            if (!Enum.IsDefined(state)) throw new GdbProtocolException($"system_state at {Hex.Format(bin.SystemState)} reads {(int)state}: not a SYS_STATE_*");
            calls.Add(new ExecutedCall(call, state, StepCall(gdb, pc, ret, decoder, classifier, deadline)));
            foreach (var at in entries.Keys) gdb.SetBreakpoint(at);
        }
    }

    private static List<ExecutedInstruction> StepCall(GdbRemoteClient gdb, ulong pc, ulong ret, Arm64Decoder decoder, RealClassifier classifier,
        DateTime deadline)
    {
        var executed = new List<ExecutedInstruction>();
        while (pc != ret)
        {
            if (executed.Count >= MaxSteps || DateTime.UtcNow > deadline)
                throw new TimeoutException($"a call did not return to {Hex.Format(ret)} within {executed.Count} instructions");
            var d = decoder.Decode(pc, BitConverter.ToUInt32(gdb.ReadMemory(pc, 4)));
            var registers = new Dictionary<string, RegisterValue?>();
            RegisterValue? Reg(string name)
            {
                if (name == "xzr") return new RegisterValue(0, true);
                if (!registers.TryGetValue(name, out var v)) registers[name] = v = new RegisterValue(gdb.ReadRegister(name), true);
                return v;
            }
            var e = classifier.Classify(d, Reg);
            if (e.Role == RealRole.PteStore && e.EntryVa is { } entry) e = e with { Old = BitConverter.ToUInt64(gdb.ReadMemory(entry, 8)) };
            executed.Add(e);
            gdb.Step();
            pc = gdb.ReadRegister("pc");
        }
        return executed;
    }

    private static TimeSpan Left(DateTime deadline) =>
        deadline > DateTime.UtcNow ? deadline - DateTime.UtcNow : throw new TimeoutException("Xen did not power off in time");
}
