using Pmap.Core.Arch;
using Pmap.Core.Machine;

namespace Pmap.Core.Scenarios;

/// <summary>
/// pmap hazards --litmus: the PMAP hooks' instruction streams as the checker ran them, written as litmus tests for the port's
/// formal model, together with each stream less one instruction (what --why judges), so the checker's verdicts can be held
/// against the model's.
/// </summary>
public static class LitmusExport
{
    /// <summary>The hooks written, with the question each test asks.</summary>
    public static IReadOnlyList<(string Hook, LitmusShape Shape)> Hooks { get; } =
        [("arch_pmap_map", LitmusShape.Map), ("arch_pmap_unmap", LitmusShape.Unmap)];

    /// <summary>The hook's own instructions in its first run, as the checker saw them; empty when the scenarios never ran it.</summary>
    public static IReadOnlyList<Instruction> Steps(ArchModel model, HazardReport report, string hook) =>
        report.Windows.TryGetValue(hook, out var window)
            ? window.Where(w => w.Own).Select(w => model.Instructions.Get(w.Op.Op, hook)).ToList()
            : [];

    /// <summary>Writes <c>HOOK.litmus</c> and <c>HOOK-without-K.litmus</c> for each hook into <paramref name="dir"/>; returns the paths.</summary>
    public static IReadOnlyList<string> Write(ILitmusWriter writer, ArchModel model, HazardReport report, string dir)
    {
        var paths = new List<string>();
        foreach (var (hook, shape) in Hooks)
        {
            var steps = Steps(model, report, hook);
            if (steps.Count == 0) continue;
            paths.Add(LitmusFiles.Write(dir, $"{hook}.litmus", writer.Litmus(hook, shape, steps)));
            for (var k = 0; k < steps.Count; k++)
            {
                var name = $"{hook}-without-{k}";
                paths.Add(LitmusFiles.Write(dir, $"{name}.litmus", writer.Litmus(name, shape, [.. steps.Where((_, i) => i != k)])));
            }
        }
        return paths;
    }
}
