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
        var va = new Option<string[]>("--va")
        {
            Description = "With --format xen: the VA to walk (repeatable; default the first VA of every range)",
            AllowMultipleArgumentsPerToken = false,
        };
        var checkWx = new Option<bool>("--check-wx") { Description = "List every mapping both writable and executable, as Linux's ptdump does (exit 4 if any)" };
        var cmd = new Command("dump",
            "Every mapping of Xen's address space after a scenario, runs merged: VA and PA ranges, page size, attributes, region.")
            .WithExamples("pmap dump --arch arm64", "pmap dump --arch x86 --after map --mfn 0x10,0x20 --tables", "pmap dump --arch riscv --json",
                "pmap dump --arch arm64 --format dot | dot -Tpng > tables.png", "pmap dump --arch arm64 --format xen --va 0x800000001000",
                "pmap dump --arch arm64 --check-wx");
        var format = Formats.Option(dot: true);
        format.Description = "Output: text (default), svg (the picture alone), dot (Graphviz) or xen (each walk as Xen's dump_hyp_walk prints it)";
        cmd.WithOptions(after, mfn, ramSize, tables, va, checkWx, format);
        cmd.SetAction(p => io.Execute(p, c =>
        {
            var model = c.Model();
            var scenario = p.GetValue(after)!;
            // Each scenario takes its own input; one given to the other would be silently ignored.
            if (scenario == "map" && p.GetValue(ramSize) is not null)
                throw new PmapUsageException("--ram-size is for --after boot, not --after map");
            if (scenario == "boot" && p.GetValue(mfn) is { Length: > 0 })
                throw new PmapUsageException("--mfn is for --after map, not --after boot");
            var xen = p.GetValue(format) == "xen";
            if (xen && c.Global.Json) throw new PmapUsageException("--format xen and --json both choose the output: give one");
            if (p.GetValue(va) is { Length: > 0 } && !xen) throw new PmapUsageException("--va is for --format xen");
            if (p.GetValue(checkWx) && p.GetValue(format) is not (null or "text"))
                throw new PmapUsageException($"--check-wx and --format {p.GetValue(format)} both choose the output: give one");
            var picture = xen ? "xen" : Formats.Read(p, format, dot: true, c.Global.Json);
            var vas = (p.GetValue(va) ?? []).Select(v => c.Va(v, model)).ToList();
            var mfns = c.Mfns(p.GetValue(mfn) is { Length: > 0 } given ? given : [CommandOptions.DefaultMfn], Args.MfnToMap, model);
            var space = AddressSpace.After(model, scenario, mfns, p.GetValue(ramSize) is { } size ? Args.Bank(model, null, size) : null);
            if (picture == "svg") return Formats.WriteSvg(io.Out, TreeSvg.Draw(space));
            if (picture == "xen")
            {
                DumpView.WriteXenWalks(io.Out, space, vas);
                return ExitCodes.Success;
            }
            if (p.GetValue(checkWx) && !c.Global.Json) return DumpView.WriteWxCheck(io.Out, space, scenario);
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
            if (p.GetValue(checkWx))
            {
                var found = 0L;
                using (var wxBytes = new WriterStream(io.Out))
                    found = DumpView.WriteJson(wxBytes, space, scenario, p.GetValue(tables), checkWx: true);
                return found > 0 ? ExitCodes.Findings : ExitCodes.Success;
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
