using System.CommandLine;
using Pmap.Core;
using Pmap.Core.Arch;
using Pmap.Core.Machine;
using Spectre.Console;

namespace Pmap.Host.Commands;

public sealed record RamDto(string Base, string Size);

public sealed record DirectmapDto(string Va, string Pa, ulong Pages, string? Note);

public sealed record BootDto(string Arch, string Profile, RamDto Ram, DirectmapDto? Directmap, long TablesAllocated, int MaxPmapSlotsInUse, int PmapSlotsInUseAfter,
    IReadOnlyDictionary<string, long> Mappings, long PteWrites, long TlbFlushes, long Hazards, ulong VerifiedPages, ErrorDto? Error);

/// <summary>pmap boot: the early-boot scenario PMAP exists for.</summary>
public static class BootCommand
{
    public static Command Build(CommandIo io)
    {
        var ramBase = new Option<string?>("--ram-base") { Description = "Physical base of the RAM bank (default: the architecture's, e.g. 0x40000000)" };
        var ramSize = new Option<string?>("--ram-size") { Description = "Size of the RAM bank, e.g. 2G, 512M (default: the architecture's)" };
        var strict = new Option<bool>("--strict-ordering") { Description = "A CPU that sees a new PTE only after the architecture's synchronisation (isb, sfence.vma): a missing one faults" };
        var cmd = new Command("boot", "Build Xen's boot page tables, map a RAM bank with map_pages_to_xen in early_boot (every table page reached through PMAP), then verify every page through the walker.")
            .WithExamples("pmap boot --arch arm64 --ram-size 2G", "pmap boot --arch arm64 --ram-size 3G --ram-base 0x40200000 --json",
                "pmap boot --arch arm64 --strict-ordering   # 4.17's missing isb, as a crash");
        cmd.Options.Add(ramBase);
        cmd.Options.Add(ramSize);
        cmd.Options.Add(strict);
        cmd.SetAction(p => io.Execute(p, g => Run(io, g, p.GetValue(ramBase), p.GetValue(ramSize), p.GetValue(strict))));
        return cmd;
    }

    /// <summary>The bank from --ram-base/--ram-size over the architecture's default, checked against page alignment and PA bits.</summary>
    public static RamBank Bank(ArchModel model, string? baseText, string? sizeText)
    {
        var b = baseText is null ? model.DefaultRam.Base.Value : Args.ParseNonNegative(baseText, "--ram-base");
        var size = sizeText is null ? model.DefaultRam.Size : Args.Size(sizeText, "--ram-size");
        if (size == 0) throw new PmapUsageException("--ram-size 0: a RAM bank needs at least one page (e.g. 4K, 512M, 2G)");
        if (b % Page.Size != 0 || size % Page.Size != 0)
            throw new PmapUsageException($"RAM bank {Hex.Format(b)}+{Hex.Format(size)} is not page aligned: base and size must be multiples of 4K");
        if (b > model.Format.PaLimit || size - 1 > model.Format.PaLimit - b)
            throw new PmapUsageException($"RAM bank {Hex.Format(b)}+{Hex.FormatSize(size)} does not fit {model.Name}'s {model.Format.PaBits}-bit physical address space (up to {Hex.Format(model.Format.PaLimit)})");
        return new RamBank(new PhysAddr(b), size);
    }

    private static int Run(CommandIo io, GlobalOptions g, string? baseText, string? sizeText, bool strictOrdering)
    {
        var ctx = CliContext.Create(g);
        io.ReportPluginFailures(ctx.Registry.Catalog);
        var model = ctx.Registry.Create(g.Request());
        var bank = Bank(model, baseText, sizeText);
        var m = XenMachine.Boot(model, new MachineOptions { Ram = [bank], TraceEnabled = false, StrictOrdering = strictOrdering });
        var ram = new RamDto(Hex.Format(bank.Base.Value), Hex.Format(bank.Size));
        BootDto dto;
        XenCrashException? crash = null;
        try
        {
            var r = BootScenario.Run(m, bank);
            // Leaf sizes up to 1 GiB: no modelled architecture maps 512 GiB leaves.
            var mappings = r.Mappings.Where(kv => Hex.TryParseSize(kv.Key, out var size) && size <= 1UL << 30)
                .OrderByDescending(kv => Hex.TryParseSize(kv.Key, out var v) ? v : 0).ToDictionary(kv => kv.Key, kv => kv.Value);
            mappings["contiguous"] = r.Contiguous;
            ErrorDto? mismatch = r.FirstMismatch is { } f ? new ErrorDto("bug", $"verification failed: {f.Describe()}") : null;
            dto = new BootDto(model.Name, model.Profile, ram, new DirectmapDto(Hex.Format(r.Mapped.Va.Value), Hex.Format(r.Mapped.Pa.Value), r.Mapped.Pages, r.Mapped.Note),
                r.TablesAllocated, r.MaxPmapSlotsInUse, r.PmapSlotsInUseAfter, mappings, r.PteWrites, r.TlbFlushes, r.Hazards, r.VerifiedPages, mismatch);
        }
        catch (XenCrashException e)
        {
            crash = e;
            dto = new BootDto(model.Name, model.Profile, ram, null, m.Counters.TablesAllocated, m.Pmap.MaxInUse, m.Pmap.InUse, new Dictionary<string, long>(),
                m.Counters.PteWrites, m.Counters.TlbFlushes, m.Counters.Hazards, 0, new ErrorDto(e.Kind.ToString().ToLowerInvariant(), e.XenText, e.Where));
        }

        if (g.Json) Json.Write(io.Out, dto);
        else Render(io, dto, m.LastMessage);
        if (crash is not null)
        {
            if (m.LastMessage is { } msg) io.Err.WriteLine($"pmap: (XEN) {msg}");
            io.Err.WriteLine("pmap: " + crash.Message);
            return ExitCodes.XenCrash;
        }
        if (dto.Error is not null)
        {
            io.Err.WriteLine("pmap: " + dto.Error.Message);
            return ExitCodes.XenCrash;
        }
        return ExitCodes.Success;
    }

    private static void Render(CommandIo io, BootDto d, string? lastMessage)
    {
        var c = Terminal.Create(io.Out);
        c.MarkupLine($"[bold]{d.Arch}[/] {Markup.Escape(d.Profile)}: RAM {d.Ram.Base} + {Hex.FormatSize(Convert.ToUInt64(d.Ram.Size, 16))}");
        var t = new Table().AddColumns("", "value");
        if (d.Directmap is { } dm)
        {
            t.AddRow("mapped", $"{Hex.FormatSize(dm.Pages << Page.Shift)}: PA {dm.Pa} at VA {dm.Va}");
            if (dm.Note is not null) t.AddRow("note", Markup.Escape(dm.Note));
        }
        foreach (var (k, v) in d.Mappings) t.AddRow(k == "contiguous" ? "entries with the contiguous hint" : $"{k} mappings", $"{v}");
        t.AddRow("tables allocated", $"{d.TablesAllocated}");
        t.AddRow("PMAP slots in use at most / after", $"{d.MaxPmapSlotsInUse} / {d.PmapSlotsInUseAfter}");
        t.AddRow("PTE writes / TLB flushes", $"{d.PteWrites} / {d.TlbFlushes}");
        t.AddRow("ordering hazards (walks of entries written with no synchronisation since)", $"{d.Hazards}");
        t.AddRow("pages verified by the walker", $"{d.VerifiedPages}");
        c.Write(t);
        if (d.Error is { } e) c.MarkupLine($"[red]{Markup.Escape(e.Kind.ToUpperInvariant())}[/] {Markup.Escape(e.Where ?? "")}: {Markup.Escape(e.Message)}" + (lastMessage is null ? "" : $" ({Markup.Escape(lastMessage)})"));
    }
}
