using System.CommandLine;
using Pmap.Core;
using Pmap.Core.Conformance;
using Pmap.Host.Views;
using Spectre.Console;

namespace Pmap.Host.Commands;

public sealed record ConformanceDto(string Arch, string Profile, bool Passed, IReadOnlyList<ConformanceCheckDto> Checks, ErrorDto? Error);

/// <summary>One check as JSON shows it: its sentence, whether it passed, and why not.</summary>
public sealed record ConformanceCheckDto(string Check, bool Passed, string Detail)
{
    public static ConformanceCheckDto From(ConformanceResult r) => new(r.Check.Sentence(), r.Passed, r.Detail);
}

/// <summary>pmap conformance: the conformance kit against one loaded architecture.</summary>
public static class ConformanceCommand
{
    public static Command Build(CommandIo io)
    {
        var cmd = new Command("conformance", "Run the conformance checks every architecture plugin must pass, "
            + "and print each with pass/fail and the reason (exit 0 all pass, 4 a check fails).")
            .WithExamples("pmap conformance --arch arm64 --profile upstream", "pmap conformance --arch x86 --json");
        cmd.SetAction(p => io.Execute(p, c =>
        {
            var model = c.Model(); // validates the name and profile the usual way
            var results = ConformanceSuite.RunAll(c.Registry.Find(model.Name).Architecture, model.Profile);
            var failed = results.Count(r => !r.Passed);
            var error = failed == 0 ? null
                : new ErrorDto(ErrorKind.Conformance, $"{failed} of {results.Count} conformance checks fail for {model.Name} {model.Profile}; the first: "
                    + results.First(r => !r.Passed).Check.Sentence());
            var code = c.Show(new ConformanceDto(model.Name, model.Profile, failed == 0, [.. results.Select(ConformanceCheckDto.From)], error), Render,
                failed == 0 ? ExitCodes.Success : ExitCodes.Findings);
            if (error is not null) io.Err.WriteLine("pmap: " + error.Message);
            return code;
        }, everyProfile: true)); // a plugin with any profile that does not build is refused, as arch list --check reports it
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
