using System.CommandLine;
using System.Text;
using Pmap.Core;
using Pmap.Core.Scenarios;

using Pmap.Host.Report;
using Pmap.Host.Views;

namespace Pmap.Host.Commands;

/// <summary>pmap dump: every mapping of the hypervisor's address space after a scenario, like Linux's ptdump.</summary>
public static class DumpCommand
{
    public static Command Build(CommandIo io)
    {
        var after = CommandOptions.Choice("--after", "Scenario to dump after: boot (the directmap of the RAM) or map (pmap_map of each --mfn)",
            ["boot", "map"], "boot");
        var mfn = CommandOptions.Mfns($"MFNs pmap_map maps with --after map (default {CommandOptions.DefaultMfn})");
        var ramSize = CommandOptions.RamSize("RAM bank --after boot maps, at the default base, e.g. 2G (default: the architecture's)");
        var tables = new Option<bool>("--tables") { Description = "Also list every page-table page: name, level and entries in use" };
        var cmd = new Command("dump",
            "Every mapping of Xen's address space after a scenario, runs merged: VA and PA ranges, page size, attributes, region.")
            .WithExamples("pmap dump --arch arm64", "pmap dump --arch x86 --after map --mfn 0x10,0x20 --tables", "pmap dump --arch riscv --json",
                "pmap dump --arch arm64 --format dot | dot -Tpng > tables.png");
        var format = Formats.Option(dot: true);
        cmd.WithOptions(after, mfn, ramSize, tables, format);
        cmd.SetAction(p => io.Execute(p, c =>
        {
            var model = c.Model();
            var scenario = p.GetValue(after)!;
            // Each scenario takes its own input; one given to the other would be silently ignored.
            if (scenario == "map" && p.GetValue(ramSize) is not null)
                throw new PmapUsageException("--ram-size is for --after boot, not --after map");
            if (scenario == "boot" && p.GetValue(mfn) is { Length: > 0 })
                throw new PmapUsageException("--mfn is for --after map, not --after boot");
            var picture = Formats.Read(p, format, dot: true, c.Global.Json);
            var mfns = c.Mfns(p.GetValue(mfn) is { Length: > 0 } given ? given : [CommandOptions.DefaultMfn], Args.MfnToMap, model);
            var space = AddressSpace.After(model, scenario, mfns, p.GetValue(ramSize) is { } size ? Args.Bank(model, null, size) : null);
            if (picture == "svg") return Formats.WriteSvg(io.Out, TreeSvg.Draw(space));
            if (picture == "dot")
            {
                io.Out.Write(TreeSvg.Dot(space));
                return ExitCodes.Success;
            }
            if (!c.Global.Json)
            {
                DumpView.WriteText(io.Out, space, scenario, p.GetValue(tables));
                return ExitCodes.Success;
            }
            // Utf8JsonWriter writes bytes: stream them through the text writer the command was given.
            using var bytes = new WriterStream(io.Out);
            DumpView.WriteJson(bytes, space, scenario, p.GetValue(tables));
            return ExitCodes.Success;
        }));
        return cmd;
    }
}

/// <summary>A write-only stream over a TextWriter (UTF-8), so JSON can be streamed to whatever stdout is.</summary>
internal sealed class WriterStream(TextWriter writer) : WriteOnlyStream
{
    private readonly Decoder _decoder = Encoding.UTF8.GetDecoder();

    public override void Flush() => writer.Flush();

    public override void Write(byte[] buffer, int offset, int count)
    {
        var chars = new char[_decoder.GetCharCount(buffer, offset, count)];
        _decoder.GetChars(buffer, offset, count, chars, 0);
        writer.Write(chars);
    }
}
