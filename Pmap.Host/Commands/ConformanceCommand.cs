using System.CommandLine;
using Pmap.Core.Conformance;
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
        cmd.SetAction(p => io.Execute(p, g => Run(io, g)));
        return cmd;
    }

    private static int Run(CommandIo io, GlobalOptions g)
    {
        var ctx = CliContext.Create(g);
        io.ReportPluginFailures(ctx.Registry.Catalog);
        var model = ctx.Registry.Create(g.Request()); // validates the name and profile the usual way
        var arch = ctx.Registry.Find(model.Name).Architecture;
        var results = ConformanceSuite.RunAll(arch, model.Profile);
        var dto = new ConformanceDto(model.Name, model.Profile, results.All(r => r.Passed), results);
        if (g.Json) Json.Write(io.Out, dto);
        else
        {
            var c = Terminal.Create(io.Out);
            var t = new Table().AddColumns("", "check", "detail");
            foreach (var r in results)
                t.AddRow(r.Passed ? "[green]pass[/]" : "[red]FAIL[/]", Markup.Escape(r.Check), Markup.Escape(r.Detail));
            c.Write(t);
            c.MarkupLine($"{dto.Arch} {Markup.Escape(dto.Profile)}: {results.Count(r => r.Passed)} of {results.Count} checks pass");
        }
        return dto.Passed ? ExitCodes.Success : ExitCodes.XenCrash;
    }
}
