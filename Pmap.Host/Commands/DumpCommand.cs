using System.CommandLine;
using System.Text;
using Pmap.Core.Scenarios;

using Pmap.Host.Report;
using Pmap.Host.Views;

namespace Pmap.Host.Commands;

/// <summary>pmap dump: every mapping of the hypervisor's address space after a scenario, like Linux's ptdump.</summary>
public static class DumpCommand
{
    public static Command Build(CommandIo io)
    {
        var after = new Option<string>("--after") { Description = "Scenario to dump after: boot (the default RAM in the directmap) or map (one pmap_map)", DefaultValueFactory = _ => "boot" };
        var mfn = new Option<string>("--mfn") { Description = "MFN pmap_map maps with --after map (default 0x12345)", DefaultValueFactory = _ => "0x12345" };
        var tables = new Option<bool>("--tables") { Description = "Also list every page-table page: name, level and entries in use" };
        var cmd = new Command("dump", "Every mapping of Xen's address space after a scenario, runs merged: VA and PA ranges, page size, attributes, region.")
            .WithExamples("pmap dump --arch arm64", "pmap dump --arch x86 --after map --tables", "pmap dump --arch riscv --json", "pmap dump --arch arm64 --format dot | dot -Tpng > tables.png");
        var format = Formats.Option(dot: true);
        cmd.WithOptions(after, mfn, tables, format);
        cmd.SetAction(p => io.Execute(p, c =>
        {
            var model = c.Model();
            var scenario = p.GetValue(after)!;
            var picture = Formats.Read(p, format, dot: true, c.Global.Json);
            var space = AddressSpace.After(model, scenario, Args.Mfn(p.GetValue(mfn)!));
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
internal sealed class WriterStream(TextWriter writer) : Stream
{
    private readonly Decoder _decoder = Encoding.UTF8.GetDecoder();

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() => writer.Flush();
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count)
    {
        var chars = new char[_decoder.GetCharCount(buffer, offset, count)];
        _decoder.GetChars(buffer, offset, count, chars, 0);
        writer.Write(chars);
    }
}
