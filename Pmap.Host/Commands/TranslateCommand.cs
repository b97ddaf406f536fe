using System.CommandLine;
using Pmap.Core.Machine;
using Pmap.Core.Scenarios;

using Pmap.Host.Views;

namespace Pmap.Host.Commands;

/// <summary>pmap translate: one table walk from the root, level by level.</summary>
public static class TranslateCommand
{
    public static Command Build(CommandIo io)
    {
        var va = new Option<string>("--va") { Description = "Virtual address to translate (0x hex)", Required = true };
        var mfn = CommandOptions.Mfns("Map these MFNs through PMAP first");
        var ramSize = CommandOptions.RamSize("Run the boot scenario first with a RAM bank of this size at the default base, e.g. 2G");
        var bootRam = CommandOptions.Deprecated<string?>("--boot-ram", v => $"--ram-size {v}");
        var xenSyms = CommandExtensions.XenSymsOption();
        var cmd = new Command("translate",
            "Walk the page tables for one virtual address after setup_pagetables, or after boot with --ram-size, and after pmap_map "
            + "of any --mfn (a fault is an answer: exit 0).")
            .WithExamples("pmap translate --arch arm64 --va 0x442000 --mfn 0x12345",
                "pmap translate --arch arm64 --va 0x800000001000 --ram-size 2G --json");
        cmd.WithOptions(xenSyms, va, mfn, ramSize, bootRam);
        cmd.SetAction(p => io.Execute(p, c =>
        {
            var model = c.Model(xenSyms: p.GetValue(xenSyms));
            var address = c.Va(p.GetValue(va)!, model);
            var mfns = c.Mfns(p.GetValue(mfn), Args.MfnWithin, model);
            RamBank? bank = (p.GetValue(ramSize) ?? p.GetValue(bootRam)) is { } size ? Args.Bank(model, null, size) : null;
            var m = model.Boot(new MachineOptions { Ram = bank is { } b ? [b] : null, TraceEnabled = false });
            if (bank is { } bk) BootScenario.Run(model, m, bk);
            foreach (var f in mfns) m.Pmap.Map(f);
            var machine = (bank is { } bb ? $"after boot (setup_pagetables, then RAM {bb} mapped by map_pages_to_xen)"
                : "after setup_pagetables (no RAM mapped: --ram-size SIZE walks after boot)")
                + (mfns.Count > 0 ? $", then pmap_map of {string.Join(", ", mfns.Select(f => Hex.Format(f.Value)))}" : "");
            return c.Show(TranslateView.From(model, m, m.WalkDetailed(address)) with { Machine = machine }, TranslateView.Render);
        }, oneArchitecture: true));
        return cmd;
    }
}
