using Pmap.Core;
using Pmap.Core.Arch;
using Pmap.Core.Machine;
using Pmap.Core.Scenarios;
using Spectre.Console;

namespace Pmap.Host.Views;

public sealed record HazardDto(string Rule, string Statement, string Citation, string Function, string Where, IReadOnlyList<string> Sequence,
    string? Va, string? Entry, string? Pa, string Consequence)
{
    public static HazardDto Of(OrderingViolation v) => new(v.Rule.Id, v.Rule.Statement, v.Rule.Citation, v.Hook, v.AtUse ? "use" : "end-of-function",
        v.Sequence, v.Va is { } va ? va.ToString() : null, v.EntryPa is { } e ? Hex.Format(e.Value) : null,
        v.Pa is { } pa ? Hex.Format(pa.Value) : null, v.Consequence);
}

public sealed record VerdictDto(string Function, int Index, string Instruction, string Verdict, IReadOnlyList<string> Rules, string Reason);

public sealed record HazardsDto(string Arch, string Profile, IReadOnlyList<string> Scenarios, IReadOnlyList<string> Rules,
    IReadOnlyList<HazardDto> Hazards, IReadOnlyList<string> Failures, IReadOnlyList<VerdictDto>? Why, string? MapSequence, string? UnmapSequence,
    IReadOnlyList<string>? Litmus);

/// <summary>The rule violations as `pmap hazards` shows them.</summary>
public static class HazardsView
{
    public static HazardsDto From(ArchModel model, HazardReport report, IReadOnlyList<InstructionVerdict>? why, HookSequences? sequences = null,
        IReadOnlyList<string>? litmus = null) => new(
        model.Name, model.Profile, HazardScenarios.Names, model.Maintenance.Rules.Select(r => r.Id).ToList(),
        report.Violations.Select(HazardDto.Of).ToList(),
        report.Failures,
        why?.Select(w => new VerdictDto(w.Hook, w.Index, w.Instruction, w.Verdict.JsonName(), w.Rules, w.Reason)).ToList(),
        sequences?.Map?.ToString(), sequences?.Unmap?.ToString(), litmus);

    /// <summary>One line per hazard, the function's marked sequence, the rule with its citation (`hazards` and `boot`).</summary>
    public static void RenderHazards(IAnsiConsole c, IEnumerable<HazardDto> hazards)
    {
        foreach (var h in hazards)
        {
            var at = h.Where == "use" ? $"at a use of {h.Va}" : $"at the end of {h.Function}";
            Lines.Write(c, 0, 2, (h.Rule, "red"), ($"{at}: {h.Consequence}", null));
            Lines.Write(c, 2, 2, ($"{h.Function}: {string.Join("; ", h.Sequence)}", null));
            Lines.Write(c, 2, 2, ($"{h.Statement} ({h.Citation})", "grey"));
        }
    }

    public static void Render(IAnsiConsole c, HazardsDto dto)
    {
        if (dto.MapSequence is { } map) c.MarkupLine($"arch_pmap_map replaced by: {Markup.Escape(map)}");
        if (dto.UnmapSequence is { } unmap) c.MarkupLine($"arch_pmap_unmap replaced by: {Markup.Escape(unmap)}");
        RenderHazards(c, dto.Hazards);
        foreach (var f in dto.Failures) c.MarkupLine($"[red]scenario failed[/] {Markup.Escape(f)}");
        if (dto.Why is { } why)
        {
            // One block per instruction: its verdict on the first line, the reason wrapped under it at any width.
            foreach (var group in why.GroupBy(w => w.Function))
            {
                c.MarkupLine($"\n[bold]{Markup.Escape(group.Key)}[/]: each instruction deleted in turn");
                foreach (var w in group)
                {
                    var style = w.Verdict == WhyVerdict.Needed.JsonName() ? "green" : null;
                    Lines.Write(c, 2, 4, ($"#{w.Index} {w.Instruction}:", "bold"), (w.Verdict, style),
                        (w.Rules.Count > 0 && w.Rules.All(r => !r.Contains(' ', StringComparison.Ordinal)) ? $"({string.Join(", ", w.Rules)})" : "", null));
                    Lines.Write(c, 6, 0, (w.Reason, null));
                }
            }
        }
        if (dto.Litmus is { } files) c.MarkupLine($"{files.Count} litmus test(s) written: {Markup.Escape(string.Join(", ", files.Select(Path.GetFileName)))}");
        c.MarkupLine($"{dto.Arch} {Markup.Escape(dto.Profile)}: {dto.Hazards.Count} hazard(s) against {dto.Rules.Count} rules " +
                     $"in {dto.Scenarios.Count} scenarios");
    }
}
