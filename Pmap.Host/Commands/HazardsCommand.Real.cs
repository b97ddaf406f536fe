using System.CommandLine;
using Pmap.Core;
using Pmap.Host.Views;
using Pmap.Qemu;
using Pmap.Verify.RealAsm;

namespace Pmap.Host.Commands;

/// <summary>pmap hazards --xen-syms: a real Xen binary's pmap_map and pmap_unmap instructions under the same rules.</summary>
public static partial class HazardsCommand
{
    private sealed record RealRun(string Syms, string? Image);

    private static (Option<string?> Image, Option<string?> Syms, Option<bool> Static) RealOptions() => (
        new Option<string?>("--xen-image")
        {
            Description = "Boot this real Xen arm64 image under QEMU and check the instructions each pmap_map and pmap_unmap call executes "
                + "(single-stepped, callees included) instead of the model's; needs --xen-syms",
        },
        new Option<string?>("--xen-syms")
        {
            Description = "The build's xen-syms (ELF, from the -dbg package): its functions, instructions and xen_fixmap; with --xen-image "
                + "or --static",
        },
        new Option<bool>("--static")
        {
            Description = "Read pmap_map's and pmap_unmap's instructions from --xen-syms without QEMU (the fall-through path a normal call takes)",
        });

    private static RealRun? RealRequest(ParseResult p, Option<string?> image, Option<string?> syms, Option<bool> stat, params Option[] modelOnly)
    {
        var (img, sym, isStatic) = (p.GetValue(image), p.GetValue(syms), p.GetValue(stat));
        if (img is null && sym is null && !isStatic) return null;
        if (sym is null) throw new PmapUsageException($"{(isStatic ? "--static" : "--xen-image")} needs --xen-syms SYMS: the build's functions and instructions");
        if (img is null && !isStatic) throw new PmapUsageException("--xen-syms: give --xen-image IMAGE (run it under QEMU) or --static (read the ELF)");
        if (img is not null && isStatic) throw new PmapUsageException("--static reads the instructions from --xen-syms: --xen-image is not used with it");
        if (modelOnly.FirstOrDefault(o => p.GetResult(o) is { Implicit: false }) is { } other)
            throw new PmapUsageException($"{other.Name} changes the model's sequences: it does not apply to a real binary (--xen-syms)");
        Check(sym, "--xen-syms", InputFile.SymbolsLimit);
        if (img is not null) Check(img, "--xen-image", InputFile.ImageLimit);
        return new RealRun(sym, img);
    }

    /// <summary>A regular file of bounded size (a FIFO would hang QEMU, /dev/zero never end).</summary>
    private static void Check(string path, string option, long limit)
    {
        if (!File.Exists(path)) throw new PmapUsageException($"{option} '{Hex.Echo(path)}': no such file");
        try
        {
            InputFile.Check(path, limit);
        }
        catch (InputFileException e)
        {
            throw new PmapUsageException($"{option} " + e.Message);
        }
    }

    private static int RunReal(CommandIo io, CommandContext c, RealRun run, bool why)
    {
        var model = c.Model(xenSyms: run.Syms);
        if (model.Name != "arm64")
            throw new PmapUsageException($"--xen-syms: hazards decodes arm64 binaries only (Capstone's arm64 decoder): {model.Name} is not arm64");
        RealHazardReport report;
        try
        {
            report = RealHazards.Run(model, run.Syms, run.Image, why, c.Registry.Options.CapstoneLibrary);
        }
        catch (Exception e) when (e is CapstoneMissingException or StaticWalkException or QemuNotInstalledException)
        {
            return io.Fail(ErrorKind.Environment, e.Message, c.Global.Json);
        }
        catch (Exception e) when (e is QemuFailedException or GdbProtocolException or QmpException or TimeoutException or IOException
            or System.Net.Sockets.SocketException or ObjectDisposedException or InvalidOperationException)
        {
            return io.Fail(ErrorKind.Environment, "QEMU: " + e.Message.Split('\n')[0], c.Global.Json);
        }
        var dto = RealHazardsView.From(model, report);
        if (dto.Hazards.Count == 0 && dto.Undeclared.Count > 0)
        {
            // Never clean for what was not checked: the stream holds ordering instructions the rules know nothing of.
            var u = dto.Undeclared[0];
            io.Err.WriteLine(io.Line($"pmap: {model.Name} does not declare {u.Disassembly} ({u.Pc} in {u.Function}) and {dto.Undeclared.Count - 1} more: "
                + "the binary's ordering was not fully checked, so no verdict is given"));
            return c.Show(dto, RealHazardsView.Render, ExitCodes.Of(ErrorKind.Plugin));
        }
        return c.Show(dto, RealHazardsView.Render, dto.Hazards.Count > 0 ? ExitCodes.Findings : ExitCodes.Success);
    }
}
