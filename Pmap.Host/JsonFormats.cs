namespace Pmap.Host;

/// <summary>A string property written by <c>Hex.Format</c> ("0x1f"): the generated schema gives its pattern.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class JsonHexAttribute : Attribute
{
    /// <summary>Lower-case hex with 0x, as printk and the command line write numbers.</summary>
    public const string Pattern = "^0x[0-9a-f]+$";
}

/// <summary>A string property that is one of a few words: the generated schema lists them.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class JsonOneOfAttribute : Attribute
{
    public JsonOneOfAttribute(params string[] values) => Values = values;

    /// <summary>The names of <paramref name="enumType"/>'s members in lower case (PteKind: invalid, table, ...), as they are written.</summary>
    public JsonOneOfAttribute(Type enumType) => Values = [.. Enum.GetNames(enumType).Select(n => n.ToLowerInvariant())];

    public IReadOnlyList<string> Values { get; }
}
