using System.CommandLine;
using Pmap.Core.Machine;
using Pmap.Core.Scenarios;

using Pmap.Host.Views;

namespace Pmap.Host.Commands;

/// <summary>pmap boot: the early-boot scenario PMAP exists for.</summary>
public static class BootCommand
{
    public static Command Build(CommandIo io)
    {
        var ramBase = new Option<string?>("--ram-base")
        {
            Description = "Physical base of the RAM bank (default: the architecture's, e.g. 0x40000000)",
        };
        var ramSize = CommandOptions.RamSize("Size of the RAM bank, e.g. 2G, 512M (default: the architecture's)");
        var strict = new Option<bool>("--strict-ordering")
        {
            Description = "A CPU that sees a new PTE only after the architecture's synchronisation (isb, sfence.vma): a missing one faults",
        };
        var everyPage = new Option<bool>("--verify-every-page")
        {
            Description = "Walk every mapped page, not each leaf entry once with a sample of its pages (slow for terabytes)",
        };
        var xenSyms = CommandExtensions.XenSymsOption();
        var cmd = new Command("boot", "Build Xen's boot page tables, map a RAM bank with map_pages_to_xen in early_boot "
                + "(every table page reached through PMAP), then verify each leaf mapping through the walker.")
            .WithExamples("pmap boot --arch arm64 --ram-size 2G", "pmap boot --arch arm64 --ram-size 3G --ram-base 0x40200000 --json",
                "pmap boot --arch arm64 --profile xen-4.17 --strict-ordering   # 4.17's missing isb, as a crash");
        cmd.WithOptions(xenSyms, ramBase, ramSize, strict, everyPage);
        cmd.SetAction(p => io.Execute(p, c =>
        {
            var model = c.Model(xenSyms: p.GetValue(xenSyms));
            var bank = c.Bank(model, p.GetValue(ramBase), p.GetValue(ramSize));
            // The ordering checker watches the boot as `hazards` does: a rule broken is a finding here too.
            var options = new MachineOptions { TraceEnabled = false, StrictOrdering = p.GetValue(strict), CheckOrdering = true };
            var (m, report, crash) = BootScenario.Boot(model, bank, options, p.GetValue(everyPage));
            var dto = BootView.From(model, bank, m, report, crash);
            c.Show(dto, BootView.Render);
            if (crash is not null) return io.ReportCrash(crash, m.LastMessage);
            if (dto.Error is null) return dto.HasFindings ? ExitCodes.Findings : ExitCodes.Success;
            io.Err.WriteLine("pmap: " + dto.Error.Message);
            return ExitCodes.PluginOrConfig; // the model failed its own check: a fault of the plugin, not of Xen
        }, oneArchitecture: true));
        return cmd;
    }
}
