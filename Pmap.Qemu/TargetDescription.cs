using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace Pmap.Qemu;

/// <summary>One register as target.xml describes it.</summary>
public sealed record GdbRegister(string Name, int Number, int BitSize);

/// <summary>
/// The register list of a gdb target description: target.xml and the files it includes, numbered in order
/// (a <c>regnum</c> attribute restarts the count, as gdb does).
/// </summary>
public sealed class TargetDescription
{
    private readonly Dictionary<string, GdbRegister> _byName = new(StringComparer.OrdinalIgnoreCase);

    public IReadOnlyList<GdbRegister> Registers { get; }
    public string? Architecture { get; }

    private TargetDescription(List<GdbRegister> registers, string? architecture)
    {
        Registers = registers;
        Architecture = architecture;
        foreach (var r in registers) _byName.TryAdd(r.Name, r);
    }

    /// <summary>Parses target.xml, fetching included files by name through <paramref name="readAnnex"/>.</summary>
    public static TargetDescription Parse(string targetXml, Func<string, string> readAnnex)
    {
        var registers = new List<GdbRegister>();
        string? architecture = null;
        int next = 0;
        var visited = new HashSet<string>(StringComparer.Ordinal);

        void Walk(XElement element)
        {
            foreach (var child in element.Elements())
            {
                switch (child.Name.LocalName)
                {
                    case "architecture":
                        architecture ??= child.Value.Trim();
                        break;
                    case "include":
                        var href = (string?)child.Attribute("href");
                        if (href is not null && visited.Add(href)) Walk(Load(readAnnex(href)));
                        break;
                    case "feature":
                        Walk(child);
                        break;
                    case "reg":
                        var name = (string?)child.Attribute("name") ?? throw new FormatException("reg without a name");
                        if (child.Attribute("regnum") is { } regnum) next = int.Parse(regnum.Value, CultureInfo.InvariantCulture);
                        var bits = int.Parse((string?)child.Attribute("bitsize") ?? "0", CultureInfo.InvariantCulture);
                        registers.Add(new GdbRegister(name, next++, bits));
                        break;
                }
            }
        }

        Walk(Load(targetXml));
        return new TargetDescription(registers, architecture);
    }

    /// <summary>The register with this name (case-insensitive), or null.</summary>
    public GdbRegister? Find(string name) => _byName.GetValueOrDefault(name);

    public GdbRegister Get(string name) =>
        Find(name) ?? throw new KeyNotFoundException($"the gdbstub has no register named '{name}'");

    public GdbRegister? ByNumber(int number) => Registers.FirstOrDefault(r => r.Number == number);

    private static XElement Load(string xml)
    {
        // The documents carry a DOCTYPE naming gdb-target.dtd, which is not available here.
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore, XmlResolver = null };
        // QEMU writes <xi:include> without declaring the xi prefix.
        var namespaces = new XmlNamespaceManager(new NameTable());
        namespaces.AddNamespace("xi", "http://www.w3.org/2001/XInclude");
        var context = new XmlParserContext(null, namespaces, null, XmlSpace.None);
        using var reader = XmlReader.Create(new StringReader(xml), settings, context);
        return XDocument.Load(reader).Root ?? throw new FormatException("empty target description");
    }
}
