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
            c.MarkupLine($"[red]{h.Rule}[/] {Markup.Escape(at)}: {Markup.Escape(h.Consequence)}");
            c.MarkupLine($"  {Markup.Escape(h.Function)}: {Markup.Escape(string.Join("; ", h.Sequence))}");
            c.MarkupLine($"  [grey]{Markup.Escape(h.Statement)} ({Markup.Escape(h.Citation)})[/]");
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
            var t = new Table().AddColumns("function", "#", "instruction", "verdict", "reason");
            foreach (var w in why)
            {
                var verdict = w.Verdict == WhyVerdict.Needed.JsonName() ? "[green]needed[/]" : w.Verdict;
                t.AddRow(Markup.Escape(w.Function), $"{w.Index}", Markup.Escape(w.Instruction), verdict, Markup.Escape(w.Reason));
            }
            c.Write(t);
        }
        if (dto.Litmus is { } files) c.MarkupLine($"{files.Count} litmus test(s) written: {Markup.Escape(string.Join(", ", files.Select(Path.GetFileName)))}");
        c.MarkupLine($"{dto.Arch} {Markup.Escape(dto.Profile)}: {dto.Hazards.Count} hazard(s) against {dto.Rules.Count} rules " +
                     $"in {dto.Scenarios.Count} scenarios");
    }
}
