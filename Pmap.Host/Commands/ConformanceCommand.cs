using System.CommandLine;
using Pmap.Core.Conformance;
using Pmap.Host.Views;
using Spectre.Console;

namespace Pmap.Host.Commands;

public sealed record ConformanceDto(string Arch, string Profile, bool Passed, IReadOnlyList<ConformanceResult> Checks);

/// <summary>pmap conformance: the conformance kit against one loaded architecture.</summary>
public static class ConformanceCommand
{
    public static Command Build(CommandIo io)
    {
        var cmd = new Command("conformance", "Run the conformance checks every architecture plugin must pass, and print each with pass/fail and the reason (exit 0 all pass, 1 otherwise).")
            .WithExamples("pmap conformance --arch arm64 --profile upstream", "pmap conformance --arch x86 --json");
        cmd.SetAction(p => io.Execute(p, c =>
        {
            var model = c.Model(); // validates the name and profile the usual way
            var results = ConformanceSuite.RunAll(c.Registry.Find(model.Name).Architecture, model.Profile);
            var dto = new ConformanceDto(model.Name, model.Profile, results.All(r => r.Passed), results);
            return c.Show(dto, Render, dto.Passed ? ExitCodes.Success : ExitCodes.XenCrash);
        }));
        return cmd;
    }

    private static void Render(IAnsiConsole c, ConformanceDto dto)
    {
        var t = new Table().AddColumns("", "check", "detail");
        foreach (var r in dto.Checks)
            t.AddRow(r.Passed ? "[green]pass[/]" : "[red]FAIL[/]", Markup.Escape(r.Check), Markup.Escape(r.Detail));
        c.Write(t);
        c.MarkupLine($"{dto.Arch} {Markup.Escape(dto.Profile)}: {dto.Checks.Count(r => r.Passed)} of {dto.Checks.Count} checks pass");
    }
}
