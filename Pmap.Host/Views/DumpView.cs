using System.Text.Json;
using Pmap.Core;
using Pmap.Core.Scenarios;

namespace Pmap.Host.Views;

/// <summary>
/// `pmap dump`: the address space in the style of Linux's ptdump, written range by range as the walk yields
/// them, so a 1 TiB directmap never sits in memory as a listing.
/// </summary>
public static class DumpView
{
    /// <summary>"normal RW NX G CONT": the columns ptdump prints, from the codec's attributes.</summary>
    public static string Flags(PteAttributes a) =>
        $"{a.MemoryType} {(a.Write ? "RW" : "RO")} {(a.Execute ? "X" : "NX")}{(a.Global ? " G" : "")}{(a.Contiguous ? " CONT" : "")}";

    /// <summary>Two lines a range, each under 80 columns: VA, size and region; then PA, leaf size and attributes.</summary>
    public static void WriteText(TextWriter w, AddressSpace space, string after, bool tables)
    {
        var model = space.Model;
        var vaDigits = (model.Format.VaBits >= 48 ? 64 : model.Format.VaBits + 3) / 4;
        var paDigits = (model.Format.PaBits + 3) / 4;
        // The machine on a line of its own under the title, so that both fit 80 columns.
        w.WriteLine($"{model.Name} {model.Profile}: Xen's mappings after {after}");
        w.WriteLine($"  ({Machine(after)})");
        var markers = new Queue<(VirtAddr Va, string Label)>(space.Markers());
        void MarkersUpTo(ulong va)
        {
            while (markers.Count > 0 && markers.Peek().Va.Value <= va)
            {
                var (at, label) = markers.Dequeue();
                w.WriteLine($"---[ {Hex.Format(at.Value, vaDigits)} {label} ]---");
            }
        }
        foreach (var r in space.Ranges())
        {
            MarkersUpTo(r.Va.Value);
            w.WriteLine($"{Hex.Format(r.Va.Value, vaDigits)}-{Hex.Format(r.VaEnd.Value, vaDigits)} {Hex.FormatSize(r.Size),6} {r.Region}");
            var leaves = r.Leaves == 1 ? $"{Hex.FormatSize(r.LeafSize)}" : $"{r.Leaves}x{Hex.FormatSize(r.LeafSize)}";
            w.WriteLine($"  -> {Hex.Format(r.Pa.Value, paDigits)}-{Hex.Format(r.PaEnd.Value, paDigits)} {leaves} L{r.Level} {Flags(r.Attributes)}");
        }
        MarkersUpTo(ulong.MaxValue);
        if (NotModelledLine.Of(model.Name, model.NotModelled) is { } notModelled) w.WriteLine(notModelled);
        if (!tables) return;
        w.WriteLine("table pages (name, level, entries in use of 512, first VA):");
        foreach (var t in space.Tables())
            w.WriteLine($"  {t.Name} L{t.Level} {t.EntriesInUse}/512 {Hex.Format(t.FirstVa.Value, vaDigits)} at {Hex.Format(t.Address.Value)}");
    }

    /// <summary>--format xen: for each VA (default the first of every range), the lines Xen's own walk dump prints.</summary>
    public static void WriteXenWalks(TextWriter w, AddressSpace space, IReadOnlyList<VirtAddr> vas)
    {
        foreach (var va in vas.Count > 0 ? vas : space.Ranges().Select(r => r.Va))
            foreach (var line in XenWalkLog.Lines(space.Model, space.Machine, va)) w.WriteLine(line);
    }

    /// <summary>A writable and executable mapping: what Linux's ptdump_check_wx warns of.</summary>
    public static bool IsWx(MappedRange r) => r.Attributes.Write && r.Attributes.Execute;

    /// <summary>--check-wx: each W+X range, then ptdump_check_wx's verdict (in pages); exit 4 when one is found.</summary>
    public static int WriteWxCheck(TextWriter w, AddressSpace space, string after)
    {
        var model = space.Model;
        var pages = 0UL;
        foreach (var r in space.Ranges().Where(IsWx))
        {
            w.WriteLine($"Found insecure W+X mapping at {Hex.Format(r.Va.Value)}-{Hex.Format(r.VaEnd.Value)} ({Hex.FormatSize(r.Size)} {r.Region}, "
                + $"PA {Hex.Format(r.Pa.Value)}, {Flags(r.Attributes)})");
            pages += r.Size >> Page.Shift;
        }
        w.WriteLine(pages == 0
            ? $"{model.Name} {model.Profile} after {after}: checked W+X mappings: passed, no W+X pages found"
            : $"{model.Name} {model.Profile} after {after}: checked W+X mappings: FAILED, {pages} W+X pages found");
        return pages == 0 ? ExitCodes.Success : ExitCodes.Findings;
    }

    /// <summary>
    /// One JSON document whose "ranges" array is streamed one object per range (docs/schemas/dump.schema.json); with
    /// <paramref name="checkWx"/> also "wx" (the W+X ranges) and "wxPages". Returns the W+X pages found.
    /// </summary>
    public static long WriteJson(Stream output, AddressSpace space, string after, bool tables, bool checkWx = false)
    {
        // DumpDto's shape, written member by member in its order; every element goes through its record, as Json.Write would.
        var wx = new List<MappedRange>();
        using var j = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true, Encoder = Json.Options.Encoder });
        j.WriteStartObject();
        j.WriteString(Name(nameof(DumpDto.Arch)), space.Model.Name);
        j.WriteString(Name(nameof(DumpDto.Profile)), space.Model.Profile);
        j.WriteString(Name(nameof(DumpDto.After)), after);
        j.WriteStartArray(Name(nameof(DumpDto.Markers)));
        foreach (var (va, label) in space.Markers()) Element(j, new DumpMarkerDto(Hex.Format(va.Value), label));
        j.WriteEndArray();
        j.WriteStartArray(Name(nameof(DumpDto.Ranges)));
        foreach (var r in space.Ranges())
        {
            if (checkWx && IsWx(r)) wx.Add(r);
            Element(j, DumpRangeDto.From(r));
        }
        j.WriteEndArray();
        if (checkWx)
        {
            j.WriteStartArray(Name(nameof(DumpDto.Wx)));
            foreach (var r in wx) Element(j, DumpRangeDto.From(r));
            j.WriteEndArray();
            j.WriteNumber(Name(nameof(DumpDto.WxPages)), wx.Sum(r => (long)(r.Size >> Page.Shift)));
        }
        if (tables)
        {
            j.WriteStartArray(Name(nameof(DumpDto.Tables)));
            foreach (var t in space.Tables())
                Element(j, new DumpTableDto(t.Name, t.Level, t.EntriesInUse, Hex.Format(t.Address.Value), Hex.Format(t.FirstVa.Value)));
            j.WriteEndArray();
        }
        j.WriteEndObject();
        j.Flush();
        output.WriteByte((byte)'\n');
        return wx.Sum(r => (long)(r.Size >> Page.Shift));
    }

    private static string Name(string member) => Json.Options.PropertyNamingPolicy!.ConvertName(member);

    private static void Element<T>(Utf8JsonWriter j, T dto)
    {
        JsonSerializer.Serialize(j, dto, Json.Options);
        if (j.BytesPending > 16384) j.Flush();
    }

    /// <summary>
    /// Which machine a view walks, in the words `translate` and `dump` share: "after boot" is Xen's boot page tables and then
    /// map_pages_to_xen of the RAM bank (the directmap); "after setup_pagetables" the boot page tables alone.
    /// </summary>
    public static string Machine(string after) => after switch
    {
        "boot" => "setup_pagetables, then the RAM bank mapped by map_pages_to_xen",
        "map" => "setup_pagetables, no RAM mapped, then pmap_map",
        _ => after,
    };
}
