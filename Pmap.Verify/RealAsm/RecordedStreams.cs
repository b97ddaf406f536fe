using System.Text.Json;
using Pmap.Core;
using Pmap.Verify.RealXen;

namespace Pmap.Verify.RealAsm;

/// <summary>A hazard as a build record keeps it: the rule, the function and the instruction after (or before) which its step is missing.</summary>
public sealed record RecordedHazard(string Rule, string Call, string Function, string Pc, string Instruction, string Where);

/// <summary>
/// The pmap_map and pmap_unmap instruction streams a build record keeps (the recording script's <c>hazards</c>: each distinct
/// path once, as `pmap hazards --json` gave it, with how many calls took it and in which system states), rebuilt as calls and
/// replayed through the same <see cref="RealOrdering"/> `hazards --xen-image` uses: no QEMU, no decoder.
/// </summary>
/// <param name="Calls">Each stream once per system state its calls ran in, in the recorded order.</param>
/// <param name="Hazards">The hazards recorded when the streams were traced.</param>
/// <param name="Undeclared">Ordering instructions the port did not declare (then no verdict was given).</param>
public sealed record RecordedStreams(string Mode, int TracedCalls, IReadOnlyList<ExecutedCall> Calls, IReadOnlyList<int> CallsPerStream,
    IReadOnlyList<RecordedHazard> Hazards, IReadOnlyList<string> Undeclared)
{
    /// <summary>The streams of <paramref name="mode"/> ("dynamic": executed under QEMU; "static": read from xen-syms).</summary>
    /// <exception cref="FormatException">The record has no such streams or they are not in the recording script's shape.</exception>
    public static RecordedStreams Read(XenBuildRecord record, ArchModel model, string mode = "dynamic")
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(model);
        if (record.Hazards is not { } h || !h.TryGetProperty(mode, out var m))
            throw new FormatException($"the record of {record.Profile} has no {mode} instruction streams (hazards.{mode})");
        try
        {
            var calls = new List<ExecutedCall>();
            var counts = new List<int>();
            foreach (var s in m.GetProperty("streams").EnumerateArray())
            {
                var call = s.GetProperty("call").GetString()!;
                var instructions = Instructions(s, model);
                counts.Add(s.GetProperty("calls").GetInt32());
                foreach (var state in s.GetProperty("states").EnumerateArray())
                {
                    if (!SystemStates.TryParse(state.GetString()!, out var st)) throw new FormatException($"'{state}' is not a system_state");
                    calls.Add(new ExecutedCall(call, st, instructions));
                }
            }
            var hazards = m.GetProperty("hazards").EnumerateArray().Select(x => new RecordedHazard(Text(x, "rule"), Text(x, "call"),
                Text(x, "function"), Text(x, "pc"), Text(x, "instruction"), Text(x, "where"))).ToList();
            var undeclared = m.GetProperty("undeclared").EnumerateArray().Select(x => x.GetString()!).ToList();
            return new RecordedStreams(mode, m.GetProperty("calls").GetInt32(), calls, counts, hazards, undeclared);
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException)
        {
            throw new FormatException($"the {mode} streams of the record of {record.Profile} are not the recording script's: {e.Message}", e);
        }
    }

    /// <summary>
    /// Replays the calls through the rule checker with <paramref name="model"/>'s rules: xen_fixmap where the record's symbols put
    /// it, PA = VA + (load address - _start), as Arm's phys_offset makes it.
    /// </summary>
    public IReadOnlyList<RealHazard> Replay(ArchModel model, XenBuildRecord record)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(record);
        var fixmap = Number(record.Symbols["xen_fixmap"]);
        var physOffset = Number(record.LoadAddress) - Number(record.Symbols["_start"]);
        var classifier = new RealClassifier(model, fixmap, _ => null);
        return new RealOrdering(model, classifier, physOffset).Check(Calls);
    }

    /// <summary>
    /// A stream's instructions: each "PC BYTES FUNCTION: DISASSEMBLY", and for the ordering ones (by index) the role, the port's
    /// instruction and the entry, values and VA the trace read.
    /// </summary>
    private static List<ExecutedInstruction> Instructions(JsonElement stream, ArchModel model)
    {
        var list = stream.GetProperty("instructions").EnumerateArray().Select(x => Plain(x.GetString()!)).ToList();
        foreach (var o in stream.GetProperty("ordering").EnumerateArray())
        {
            var at = o.GetProperty("at").GetInt32();
            if (at < 0 || at >= list.Count) throw new FormatException($"ordering instruction {at} is outside the stream's {list.Count}");
            var role = Role(Text(o, "role"));
            Instruction? port = null;
            if (o.TryGetProperty("instruction", out var mnemonic) && !model.Instructions.TryGet(mnemonic.GetString()!, out port))
                throw new FormatException($"{model.Name} does not declare '{mnemonic}' (at {list[at].Decoded.Text})");
            list[at] = list[at] with
            {
                Function = Text(o, "function"),
                Role = role,
                Port = port,
                EntryVa = Optional(o, "entry"),
                Old = Optional(o, "old") ?? 0,
                New = Optional(o, "new") ?? 0,
                Va = Optional(o, "va"),
                Exact = !o.TryGetProperty("exact", out var exact) || exact.GetBoolean(),
            };
        }
        return list;
    }

    private static ExecutedInstruction Plain(string line)
    {
        var parts = line.Split(' ', 3);
        var colon = parts.Length == 3 ? parts[2].IndexOf(": ", StringComparison.Ordinal) : -1;
        if (colon < 0 || parts[1].Length != 8) throw new FormatException($"'{line}' is not \"PC BYTES FUNCTION: DISASSEMBLY\"");
        var text = parts[2][(colon + 2)..];
        var word = BitConverter.ToUInt32(Convert.FromHexString(parts[1]));
        var decoded = new DecodedInstruction(Number(parts[0]), word, text, text.Split(' ')[0], DecodedClass.Other, [], []);
        return new ExecutedInstruction(decoded, parts[2][..colon], RealRole.Ignored, null);
    }

    private static RealRole Role(string name) => name switch
    {
        "pte-store" => RealRole.PteStore,
        "barrier" => RealRole.Barrier,
        "context-sync" => RealRole.ContextSync,
        "invalidate" => RealRole.Invalidate,
        "undeclared" => RealRole.Undeclared,
        _ => throw new FormatException($"'{name}' is not an ordering role"),
    };

    private static string Text(JsonElement e, string name) => e.GetProperty(name).GetString() ?? throw new FormatException($"{name} is null");

    private static ulong? Optional(JsonElement e, string name) => e.TryGetProperty(name, out var v) ? Number(v.GetString()!) : null;

    private static ulong Number(string hex) =>
        Hex.TryParseNumber(hex, out var v) ? v : throw new FormatException($"'{hex}' in a Xen build record is not a number");
}
