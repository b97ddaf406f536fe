using System.Text.Json.Serialization;
using Pmap.Core;
using Pmap.Core.Scenarios;

namespace Pmap.Host.Views;

/// <summary>A `---[ VA label ]---` marker of `pmap dump`.</summary>
public sealed record DumpMarkerDto([property: JsonHex] string Va, string Label);

/// <summary>One merged range of `pmap dump`: consecutive VAs to consecutive PAs with one page size and one set of attributes.</summary>
public sealed record DumpRangeDto([property: JsonHex] string Va, [property: JsonHex] string VaEnd, [property: JsonHex] string Pa,
    [property: JsonHex] string PaEnd, [property: JsonHex] string Size, string PageSize, int Level, long Leaves,
    string Region, string MemoryType, bool Write, bool Execute, bool Global, bool Contiguous)
{
    public static DumpRangeDto From(MappedRange r) => new(Hex.Format(r.Va.Value), Hex.Format(r.VaEnd.Value), Hex.Format(r.Pa.Value),
        Hex.Format(r.PaEnd.Value), Hex.Format(r.Size), Hex.FormatSize(r.LeafSize), r.Level, r.Leaves, r.Region, r.Attributes.MemoryType,
        r.Attributes.Write, r.Attributes.Execute, r.Attributes.Global, r.Attributes.Contiguous);
}

/// <summary>One page-table page of `pmap dump --tables`.</summary>
public sealed record DumpTableDto(string Name, int Level, int EntriesInUse, [property: JsonHex] string Address, [property: JsonHex] string FirstVa);

/// <summary>
/// `pmap dump --json` as a whole. The writer streams it (a terabyte of directmap is never held as a list), element by element
/// through these types, in this order; the record states the document's shape for its schema.
/// </summary>
public sealed record DumpDto(string Arch, string Profile, [property: JsonOneOf("boot", "map")] string After, IReadOnlyList<DumpMarkerDto> Markers, IReadOnlyList<DumpRangeDto> Ranges,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<DumpRangeDto>? Wx = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? WxPages = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<DumpTableDto>? Tables = null);
