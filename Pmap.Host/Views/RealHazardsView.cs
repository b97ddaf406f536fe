using Pmap.Core;
using Pmap.Verify.RealAsm;
using Spectre.Console;

namespace Pmap.Host.Views;

public sealed record RealInstructionDto(string Pc, string Bytes, string Disassembly, string Function, string Role, string? Instruction,
    string? Entry, string? Old, string? New, string? Va, bool Exact)
{
    public static RealInstructionDto Of(ExecutedInstruction i) => new(Hex.Format(i.Pc), i.Decoded.Bytes, i.Decoded.Text, i.Function, RoleName(i.Role),
        i.Port?.Mnemonic, i.EntryVa is { } e ? Hex.Format(e) : null, i.Role == RealRole.PteStore ? Hex.Format(i.Old) : null,
        i.Role == RealRole.PteStore ? Hex.Format(i.New) : null, i.Va is { } va ? Hex.Format(va) : null, i.Exact);

    private static string RoleName(RealRole r) => r switch
    {
        RealRole.PteStore => "pte-store",
        RealRole.ContextSync => "context-sync",
        _ => r.ToString().ToLowerInvariant(),
    };
}

public sealed record RealStreamDto(string Call, int Calls, IReadOnlyList<string> States, IReadOnlyList<RealInstructionDto> Instructions);

public sealed record RealHazardDto(string Rule, string Statement, string Citation, string Call, string Function, string Pc, string Instruction,
    string Where, IReadOnlyList<string> Sequence, string? Va, string? Entry, string? EntryPa, string? Pa, string Consequence);

public sealed record RealAgreementDto(string Call, IReadOnlyList<string> Model, IReadOnlyList<string> Real, bool Agrees);

public sealed record RealVerdictDto(string Call, int Index, string Pc, string Function, string Instruction, string Verdict, IReadOnlyList<string> Rules,
    string Reason);

public sealed record RealHazardsDto(string Arch, string Profile, string Mode, string Syms, string? Image, string? StaticPath, IReadOnlyList<string> Rules,
    int Calls, IReadOnlyList<RealStreamDto> Streams, IReadOnlyList<RealHazardDto> Hazards, IReadOnlyList<RealInstructionDto> Undeclared,
    IReadOnlyList<RealAgreementDto> Model, bool ModelAgrees, IReadOnlyList<RealVerdictDto>? Why, double Seconds);

/// <summary>`pmap hazards --xen-syms`: a real binary's pmap_map and pmap_unmap instructions under the model's rules.</summary>
public static class RealHazardsView
{
    public static RealHazardsDto From(ArchModel model, RealHazardReport r) => new(
        model.Name, model.Profile, r.Dynamic ? "dynamic" : "static", r.Syms, r.Image, r.Dynamic ? null : StaticWalk.Policy,
        model.Maintenance.Rules.Select(x => x.Id).ToList(), r.Calls.Count,
        r.Streams.Select(s => new RealStreamDto(s.Call, s.Calls, s.States.Select(x => x.XenName()).ToList(), s.Instructions.Select(RealInstructionDto.Of).ToList())).ToList(),
        r.Hazards.Select(h => new RealHazardDto(h.Rule.Id, h.Rule.Statement, h.Rule.Citation, h.Call, h.At.Function, Hex.Format(h.At.Pc),
            h.At.Decoded.Text, h.Before ? "before" : "after", h.Sequence, h.Va?.ToString(), h.EntryVa is { } e ? Hex.Format(e) : null,
            h.EntryPa is { } pa ? Hex.Format(pa.Value) : null, h.Pa is { } p ? Hex.Format(p.Value) : null, h.Consequence)).ToList(),
        r.Undeclared.Select(RealInstructionDto.Of).ToList(),
        r.Model.Select(m => new RealAgreementDto(m.Call, m.ModelRules, m.RealRules, m.Agrees)).ToList(), r.Model.All(m => m.Agrees),
        r.Why?.Select(w => new RealVerdictDto(w.Call, w.Index, Hex.Format(w.Instruction.Pc), w.Instruction.Function, w.Instruction.Decoded.Text,
            w.Verdict, w.Rules, w.Reason)).ToList(),
        Math.Round(r.Elapsed.TotalSeconds, 2));

    public static void Render(IAnsiConsole c, RealHazardsDto dto)
    {
        foreach (var s in dto.Streams)
        {
            var ordering = s.Instructions.Where(i => i.Role != "ignored").ToList();
            c.MarkupLine($"[bold]{s.Call}[/]: {s.Calls} call(s) ({string.Join(", ", s.States)}) took this path of {s.Instructions.Count} instructions, " +
                         $"{ordering.Count} of them ordering");
            foreach (var i in ordering)
                Lines.Write(c, 2, 4, ($"{i.Pc} {i.Function}:", null), (i.Disassembly, "bold"),
                    (i.Role switch { "pte-store" => $"PTE store {i.Entry}: {i.Old} -> {i.New}", "undeclared" => "undeclared: not checked", _ => i.Role }
                        + (i.Exact ? "" : " (assumed: static)"), "grey"));
        }
        foreach (var h in dto.Hazards)
        {
            Lines.Write(c, 0, 2, (h.Rule, "red"), ($"{h.Where} {h.Pc} {h.Instruction} in {h.Function} ({h.Call}): {h.Consequence}", null));
            Lines.Write(c, 2, 2, (string.Join("; ", h.Sequence), null));
            Lines.Write(c, 2, 2, ($"{h.Statement} ({h.Citation})", "grey"));
        }
        foreach (var u in dto.Undeclared)
            Lines.Write(c, 0, 2, ("undeclared", "red"), ($"{u.Pc} {u.Disassembly} in {u.Function}: {dto.Arch} does not declare it, so it was not checked", null));
        if (dto.Why is { } why)
        {
            foreach (var group in why.GroupBy(w => w.Call))
            {
                c.MarkupLine($"\n[bold]{Markup.Escape(group.Key)}[/]: each ordering instruction deleted in turn " +
                             $"({group.Count(w => w.Verdict == "ignored")} others ignored)");
                foreach (var w in group.Where(w => w.Verdict != "ignored"))
                {
                    Lines.Write(c, 2, 4, ($"#{w.Index} {w.Pc} {w.Instruction}:", "bold"), (w.Verdict, w.Verdict == "needed" ? "green" : null));
                    Lines.Write(c, 6, 0, (w.Reason, null));
                }
            }
        }
        foreach (var m in dto.Model)
            Lines.Write(c, 0, 2, ($"model {dto.Profile} {(m.Agrees ? "agrees" : "disagrees")} on {m.Call}:", m.Agrees ? null : "red"),
                ($"model {Rules(m.Model)}, binary {Rules(m.Real)}", null));
        if (dto.StaticPath is { } path) Lines.Write(c, 0, 2, ($"static path: {path}", "grey"));
        c.MarkupLine($"{dto.Arch} {Markup.Escape(dto.Syms)} ({dto.Mode}, {dto.Calls} call(s)): {dto.Hazards.Count} hazard(s) against {dto.Rules.Count} rules" +
                     (dto.Undeclared.Count > 0 ? $", {dto.Undeclared.Count} instruction(s) not checked" : ""));
    }

    private static string Rules(IReadOnlyList<string> rules) => rules.Count == 0 ? "none" : string.Join(", ", rules);
}
