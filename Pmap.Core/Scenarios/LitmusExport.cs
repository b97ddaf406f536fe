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

    /// <summary><c>HOOK.litmus</c> and <c>HOOK-without-K.litmus</c> for each hook: each file's name and whole text.</summary>
    public static IReadOnlyList<(string FileName, string Text)> Tests(ILitmusWriter writer, ArchModel model, HazardReport report)
    {
        var tests = new List<(string, string)>();
        foreach (var (hook, shape) in Hooks)
        {
            var steps = Steps(model, report, hook);
            if (steps.Count == 0) continue;
            tests.Add(($"{hook}.litmus", writer.Litmus(hook, shape, steps)));
            for (var k = 0; k < steps.Count; k++)
            {
                var name = $"{hook}-without-{k}";
                tests.Add(($"{name}.litmus", writer.Litmus(name, shape, [.. steps.Where((_, i) => i != k)])));
            }
        }
        return tests;
    }
}
