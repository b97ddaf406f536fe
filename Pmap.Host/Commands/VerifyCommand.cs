using System.CommandLine;
using Pmap.Core;
using Pmap.Core.Arch;
using Pmap.Host.Views;
using Pmap.Qemu;
using Pmap.Verify;
using Pmap.Verify.RealXen;

namespace Pmap.Host.Commands;

/// <summary>pmap verify: the model's page tables checked against a real MMU (QEMU).</summary>
public static class VerifyCommand
{
    public static Command Build(CommandIo io)
    {
        var after = CommandOptions.Choice("--after", "Scenario whose tables QEMU walks: boot (the boot tables and directmap of the default RAM) "
            + "or map (every PMAP slot mapped)", ["boot", "map"], "boot");
        var scenario = CommandOptions.Deprecated<string?>("--scenario", v => $"--after {v}");
        var xenImage = new Option<string?>("--xen-image")
        {
            Description = "Boot this real Xen arm64 image under QEMU instead and compare its page tables, entry by entry, with the model's boot "
                + "(with --xen-syms, also its pmap_map/pmap_unmap calls)",
        };
        var cmd = new Command("verify", "Run a scenario on the model, load its page tables into QEMU and compare QEMU's MMU translations "
                + "with the model's for hundreds of VAs (exit 4 when any differ, 3 when QEMU is missing).")
            .WithExamples("pmap verify --arch arm64", "pmap verify --arch x86 --after map --json",
                "pmap verify --arch arm64 --profile xen-4.17 --xen-image boot/xen-4.17-arm64 --xen-syms usr/lib/debug/boot/xen-syms-4.17-arm64");
        var xenSyms = CommandExtensions.XenSymsOption();
        var all = new Option<bool>("--all") { Description = "List every VA checked, not only the disagreements" };
        var ramSize = CommandOptions.RamSize("With --xen-image: the RAM QEMU gives Xen and the model boots, whole MiB from 256M (default 2G)");
        var record = new Option<string?>("--record")
        {
            Description = "With --xen-image and --xen-syms: also write what the real Xen did (version, symbols, tables, PMAP calls) to FILE, "
                + "for holding a profile to that build without QEMU",
        };
        cmd.WithOptions(after, xenImage, xenSyms, ramSize, all, record, scenario);
        cmd.SetAction(p => io.Execute(p, c =>
        {
            var image = p.GetValue(xenImage);
            if (image is not null && !File.Exists(image)) throw new PmapUsageException($"--xen-image '{image}': no such file");
            if (image is not null) CheckImage(image);
            var model = c.Model(xenSyms: p.GetValue(xenSyms), xenImage: image);
            // QEMU decides where a real image lands (arm32's zImage at RAM + 0x10000): the model is loaded there as well.
            if (image is not null && model.Oracle?.XenBoot?.ImageLoadAddress is { } load)
                model = c.Model(xenSyms: p.GetValue(xenSyms), xenImage: image, xenLoadAddress: new PhysAddr(load));
            var recordPath = p.GetValue(record);
            if (recordPath is not null && (image is null || model.Settings.Symbols() is null))
                throw new PmapUsageException("--record needs --xen-image and --xen-syms: a record holds the build's symbols and its PMAP calls");
            // The error names the option the value came from: the old --scenario or --after (which, as dump's, only completes).
            var (option, value) = p.GetValue(scenario) is { } old ? ("--scenario", old) : ("--after", p.GetValue(after)!);
            var which = value switch
            {
                "map" => VerifyScenario.Map,
                "boot" => VerifyScenario.Boot,
                _ => throw new PmapUsageException(
                    $"{option} '{Hex.Echo(value)}' is not a scenario{Spelling.Hint(value, ["boot", "map"])}: expected boot or map"),
            };
            var ram = RamSize(p.GetValue(ramSize), image);
            VerifyReport report;
            try
            {
                if (image is not null)
                {
                    var run = RealXenCheck.Run(model, image, ramSize: ram);
                    if (recordPath is not null) Record(recordPath, run, model, image);
                    return c.Show(XenDiffView.From(run), XenDiffView.Render, run.Agrees ? ExitCodes.Success : ExitCodes.Findings);
                }
                report = Verifier.Verify(model, which);
            }
            catch (QemuNotInstalledException e)
            {
                return io.Fail(ErrorKind.Environment, e.Message, c.Global.Json);
            }
            catch (Exception e) when (e is QemuFailedException or GdbProtocolException or QmpException or TimeoutException or IOException
                or System.Net.Sockets.SocketException or ObjectDisposedException)
            {
                // QEMU missing its deadline, killed, stopped or failing (or, with an image, stopping outside the traced calls).
                return io.Fail(ErrorKind.Environment, "QEMU: " + e.Message.Split('\n')[0], c.Global.Json);
            }
            var dto = VerifyView.From(report);
            if (!report.AllAgree)
                io.Err.WriteLine($"pmap: QEMU disagrees with the model on {dto.Disagreements} of {dto.Checked} VAs, first {dto.FirstDisagreement}");
            return c.Show(dto with { All = p.GetValue(all) }, VerifyView.Render, report.AllAgree ? ExitCodes.Success : ExitCodes.Findings);
        }));
        return cmd;
    }

    /// <summary>--ram-size for QEMU's -m (whole MiB) and the model's bank; only with an image to boot.</summary>
    private static ulong? RamSize(string? text, string? image)
    {
        if (text is null) return null;
        if (image is null) throw new PmapUsageException($"--ram-size {text}: only with --xen-image (verify's own scenarios boot the port's default RAM)");
        var size = Args.Size(text, "--ram-size");
        if (size % (1UL << 20) != 0 || size < MinXenRam)
            throw new PmapUsageException($"--ram-size {text}: QEMU takes whole MiB and Xen wants at least 256M, e.g. 1G, 3G, 1536M");
        return size;
    }

    /// <summary>The least RAM verify boots Xen with: QEMU's loader keeps up to 128 MiB below the device tree.</summary>
    private const ulong MinXenRam = 256UL << 20;

    /// <summary>--record FILE: the run as a <see cref="XenBuildRecord"/>, written whole or not at all.</summary>
    private static void Record(string path, RealXenReport run, ArchModel model, string image)
    {
        var oracle = VerifyTargets.Oracle(model);
        var bytes = InputFile.ReadAllBytes(image, InputFile.ImageLimit);
        var rec = XenBuildRecord.From(run, model, model.Settings.Symbols()!, oracle.XenBoot!, oracle.QemuBinary, XenBuildVersion.Read(bytes), bytes.Length);
        OutputFile.Write("--record", path, w => w.WriteLine(rec.ToJson()));
    }

    /// <summary>The image QEMU boots: a regular file of bounded size (a FIFO would hang QEMU, /dev/zero never end).</summary>
    private static void CheckImage(string image)
    {
        try
        {
            InputFile.Check(image, InputFile.ImageLimit);
        }
        catch (InputFileException e)
        {
            throw new PmapUsageException("--xen-image " + e.Message);
        }
    }
}
