using System.Reflection;
using Pmap.Arch.Arm64;
using Pmap.Core.Arch;
using Pmap.Core.Machine;

namespace Pmap.Ports.Tests;

/// <summary>
/// The corpus of Arm64 map and unmap sequences held against herd7's VMSA model (herd/README.md): every sequence of up to
/// <see cref="MaxLength"/> instructions over <see cref="Alphabet"/> with exactly one PTE store, as a map and as an unmap.
/// </summary>
/// <remarks>
/// The shortest safe unmap has five instructions (str; dsb; tlbi; dsb; isb) and the shortest safe map three (str; dsb; isb): unmaps
/// go to five, maps to four, so each has safe sequences with one instruction more than needed, whose --why verdicts the corpus decides.
/// </remarks>
public static class HerdCorpus
{
    /// <summary>The longest sequence in the corpus of this kind (map, unmap).</summary>
    public static int MaxLength(string kind) => kind == "map" ? 4 : 5;

    /// <summary>The instructions besides the store: every barrier, the ISB and both TLBIs of one VA that Xen's Arm64 hooks use.</summary>
    public static IReadOnlyList<string> Alphabet { get; } =
        ["dsb sy", "dsb ish", "dsb ishst", "dsb nsh", "dsb nshst", "isb", "tlbi vae2", "tlbi vae2is"];

    public const string Store = "str";

    /// <summary>The profile whose other hooks (and xen_pt_update) are clean, so a verdict is the sequence's alone.</summary>
    public const string Profile = "upstream";

    public static string Folder { get; } = Path.Combine(
        typeof(HerdCorpus).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepoRoot").Value!,
        "tests", "Pmap.Ports.Tests", "herd");

    /// <summary>One row: map or unmap, the sequence as a reviewer writes it, and whether herd allows the bad outcome.</summary>
    public sealed record Row(string Kind, string Sequence, bool Allowed)
    {
        public IReadOnlyList<string> Words => Sequence.Split("; ");
    }

    /// <summary>Every sequence of the corpus, in a fixed order: by length, then lexicographically over the alphabet.</summary>
    public static IEnumerable<(string Kind, IReadOnlyList<string> Words)> Sequences()
    {
        foreach (var kind in new[] { "map", "unmap" })
            for (var n = 1; n <= MaxLength(kind); n++)
                foreach (var others in Words(n - 1))
                    for (var at = 0; at < n; at++)
                    {
                        var seq = new List<string>(others);
                        seq.Insert(at, Store);
                        yield return (kind, seq);
                    }
    }

    private static IEnumerable<List<string>> Words(int n)
    {
        if (n == 0)
        {
            yield return [];
            yield break;
        }
        foreach (var head in Alphabet)
            foreach (var tail in Words(n - 1))
                yield return [head, .. tail];
    }

    /// <summary>The committed rows (corpus.tsv: kind, sequence, allowed|forbidden; # comments).</summary>
    public static IReadOnlyList<Row> Load() =>
        File.ReadLines(Path.Combine(Folder, "corpus.tsv")).Where(l => l.Length > 0 && l[0] != '#')
            .Select(l => l.Split('\t'))
            .Select(f => new Row(f[0], f[1], f[2] switch
            {
                "allowed" => true,
                "forbidden" => false,
                _ => throw new InvalidDataException($"corpus.tsv: verdict '{f[2]}' is neither allowed nor forbidden"),
            }))
            .ToList();

    public static Arm64Model Model() => (Arm64Model)new Arm64Architecture().Create(ArchSettings.For(Profile));

    /// <summary>The litmus test of one sequence, written by the same writer as pmap hazards --litmus.</summary>
    public static string Litmus(Arm64Model model, string name, string kind, IReadOnlyList<string> words) =>
        model.Litmus(name, kind == "map" ? LitmusShape.Map : LitmusShape.Unmap,
            HookSequence.Parse(string.Join("; ", words), model.Instructions, out _)!.Steps);
}
