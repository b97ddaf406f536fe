#pragma warning disable CS1591 // Not yet documented member by member; the types say what they are.
using Pmap.Core.Arch;
using Pmap.Core.Machine;

namespace Pmap.Core.Scenarios;

/// <summary>
/// A run of leaves mapping consecutive VAs to consecutive PAs with one leaf size and one set of attributes
/// (a line of Linux's ptdump); <see cref="Region"/> names the part of Xen's layout it lies in.
/// </summary>
public sealed record MappedRange(
    VirtAddr Va, PhysAddr Pa, ulong Size, ulong LeafSize, int Level, PteAttributes Attributes, string Region, long Leaves)
{
    public VirtAddr VaEnd => Va.Add(Size);
    public PhysAddr PaEnd => Pa.Add(Size);
}

/// <summary>One page-table page reached from the root: its name, level and how many of its entries are valid.</summary>
public sealed record TablePage(PhysAddr Address, string Name, int Level, int EntriesInUse, VirtAddr FirstVa);

/// <summary>
/// The hypervisor's address space read off its page tables by a depth-first walk from the root, lazily: a
/// caller that writes as it goes holds one path of the tree and one range, however much RAM is mapped.
/// </summary>
public sealed class AddressSpace(ArchModel model, XenMachine machine)
{
    public ArchModel Model => model;
    public XenMachine Machine => machine;

    /// <summary>The scenario a dump is taken after: "boot" (the directmap of the default RAM) or "map" (one pmap_map).</summary>
    public static AddressSpace After(ArchModel model, string scenario, Mfn mfn) => After(model, scenario, [mfn]);

    /// <summary>After "boot" (the directmap of <paramref name="bank"/>, default the architecture's RAM) or "map" (pmap_map of each frame).</summary>
    public static AddressSpace After(ArchModel model, string scenario, IReadOnlyList<Mfn> mfns, RamBank? bank = null)
    {
        switch (scenario)
        {
            case "boot":
                var (m, _, crash) = BootScenario.Boot(model, bank ?? model.DefaultRam);
                if (crash is not null) throw crash;
                return new AddressSpace(model, m);
            case "map":
                var run = MapScenario.Run(model, mfns, unmap: false, options: new MachineOptions { TraceEnabled = false });
                if (run.Crash is not null) throw run.Crash;
                return new AddressSpace(model, run.Machine);
            default:
                throw new PmapUsageException($"--after '{scenario}' is not a scenario{Spelling.Hint(scenario, ["boot", "map"])}: "
                    + "expected boot or map");
        }
    }

    /// <summary>Every table page, parents before children.</summary>
    public IEnumerable<TablePage> Tables() => Tables(machine.Cpu.Root, model.Format.RootLevel, 0);

    /// <summary>Every mapping, ascending by VA, runs merged.</summary>
    public IEnumerable<MappedRange> Ranges()
    {
        MappedRange? run = null;
        foreach (var leaf in Leaves(machine.Cpu.Root, model.Format.RootLevel, 0))
        {
            if (run is not null && run.VaEnd == leaf.Va && run.PaEnd == leaf.Pa && run.LeafSize == leaf.LeafSize && run.Attributes == leaf.Attributes
                && run.Region == leaf.Region && !leaf.Region.StartsWith("fixmap", StringComparison.Ordinal))
            {
                run = run with { Size = run.Size + leaf.Size, Leaves = run.Leaves + 1 };
                continue;
            }
            if (run is not null) yield return run;
            run = leaf;
        }
        if (run is not null) yield return run;
    }

    /// <summary>Where Xen's layout begins a part of the address space: FIXADDR_START/TOP, each named fixmap range, PMAP, the directmap.</summary>
    public IReadOnlyList<(VirtAddr Va, string Label)> Markers()
    {
        var f = model.Fixmap;
        var marks = new List<(VirtAddr, string)> { (f.FixaddrStart, "FIXADDR_START"), (f.FixaddrTop, "FIXADDR_TOP") };
        foreach (var r in f.Ranges)
        {
            var (a, b) = (f.FixToVirt(r.First), f.FixToVirt(r.Last));
            var low = a.Value <= b.Value ? a : b;
            var pmap = r.First >= f.FixPmapBegin && r.Last <= f.FixPmapEnd ? " (PMAP)" : "";
            marks.Add((low, r.Count == 1 ? $"fixmap slot {r.First} {r.Name}{pmap}" : $"fixmap slots {r.First}..{r.Last} {r.Name}{pmap}"));
        }
        if (model.DirectmapVirtStart is { } d) marks.Add((d, "DIRECTMAP_VIRT_START"));
        foreach (var v in model.VirtualRegions) marks.Add((v.Start, v.Name));
        return marks.OrderBy(m => m.Item1.Value).ToList();
    }

    private IEnumerable<TablePage> Tables(PhysAddr table, int level, ulong vaBase)
    {
        var f = model.Format;
        var inUse = 0;
        for (var i = 0; i < Page.EntriesPerTable; i++)
            if (f.IsValidVa(Canonical(vaBase + ((ulong)i << f.LevelShift(level))))
                && model.Codec.Classify(Entry(table, i), level) != PteKind.Invalid) inUse++;
        yield return new TablePage(table, machine.TableName(table), level, inUse, Canonical(vaBase));
        if (level == f.LeafLevel) yield break;
        for (var i = 0; i < Page.EntriesPerTable; i++)
        {
            var va = vaBase + ((ulong)i << f.LevelShift(level));
            var raw = Entry(table, i);
            if (!f.IsValidVa(Canonical(va)) || model.Codec.Classify(raw, level) != PteKind.Table) continue;
            foreach (var t in Tables(model.Codec.OutputAddress(raw, level), level + f.Step, va)) yield return t;
        }
    }

    private IEnumerable<MappedRange> Leaves(PhysAddr table, int level, ulong vaBase)
    {
        var f = model.Format;
        for (var i = 0; i < Page.EntriesPerTable; i++)
        {
            var va = Canonical(vaBase + ((ulong)i << f.LevelShift(level)));
            if (!f.IsValidVa(va)) continue;
            var raw = Entry(table, i);
            var kind = model.Codec.Classify(raw, level);
            if (kind == PteKind.Table && level != f.LeafLevel)
            {
                foreach (var r in Leaves(model.Codec.OutputAddress(raw, level), level + f.Step, va.Value)) yield return r;
            }
            else if (kind is PteKind.Block or PteKind.Page)
            {
                var size = f.LevelSize(level);
                var pa = model.Codec.OutputAddress(raw, level);
                yield return new MappedRange(va, pa, size, size, level, model.Codec.Attributes(raw, level), Region(va, pa, size), 1);
            }
        }
    }

    private ulong Entry(PhysAddr table, int index) => machine.Memory.Read64(table.Add((ulong)index * 8));

    /// <summary>Copies bit VaBits-1 upwards where the architecture's VAs are sign-extended (x86-64, Sv39).</summary>
    private VirtAddr Canonical(ulong va)
    {
        var f = model.Format;
        if (f.VaRange == VaRange.SignExtended && f.VaBits < 64 && ((va >> (f.VaBits - 1)) & 1) != 0) va |= ulong.MaxValue << f.VaBits;
        return new VirtAddr(va);
    }

    /// <summary>Where in Xen's layout a leaf lies: a named fixmap slot, Xen's image, the directmap, a region asm/config.h names, or other.</summary>
    private string Region(VirtAddr va, PhysAddr pa, ulong size)
    {
        var fix = model.Fixmap;
        if (size == Page.Size && va.Value >= fix.FixaddrStart.Value && va.Value < fix.FixaddrTop.Value + Page.Size)
        {
            var slot = fix.RawVirtToFix(va);
            if (slot >= 0 && slot < fix.EndOfFixedAddresses && fix.FixToVirt(slot) == va)
                return slot >= fix.FixPmapBegin && slot <= fix.FixPmapEnd ? $"fixmap {fix.NameOf(slot)} (PMAP)" : $"fixmap {fix.NameOf(slot)}";
        }
        // A leaf inside the image's frames is Xen's own text and data; the directmap's blocks span all of RAM.
        var image = model.Image.Bank;
        if (pa >= image.Base && pa.Add(size) <= image.End) return "xen image";
        if (model.DirectmapVirtStart is { } d && va.Value >= d.Value) return "directmap";
        return model.VirtualRegions.FirstOrDefault(v => v.Contains(va))?.Name ?? "other";
    }
}
