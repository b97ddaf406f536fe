using System.Collections.Concurrent;
using Pmap.Core.Machine;
using Pmap.Core.Scenarios;

namespace Pmap.Ports.Tests;

/// <summary>
/// The Arm64 checker held to herd7's VMSA model on every row of the committed corpus (herd/corpus.tsv, made by
/// herd/make-corpus.sh): `hazards` is clean on a sequence exactly when herd forbids the bad outcome, and on a clean sequence --why
/// calls an instruction needed exactly when herd allows the outcome without it. Needs no herd: the verdicts are committed.
/// </summary>
public class HerdCorpusTests
{
    private static readonly Lazy<IReadOnlyList<HerdCorpus.Row>> Rows = new(HerdCorpus.Load);

    private static readonly Lazy<Dictionary<(string, string), bool>> Allowed =
        new(() => Rows.Value.ToDictionary(r => (r.Kind, r.Sequence), r => r.Allowed));

    private static HookSequences Sequences(Arm64ModelAndRow x) => x.Row.Kind == "map"
        ? new HookSequences(Parse(x), null)
        : new HookSequences(null, Parse(x));

    private static HookSequence Parse(Arm64ModelAndRow x) => HookSequence.Parse(x.Row.Sequence, x.Model.Instructions, out _)!;

    private sealed record Arm64ModelAndRow(Pmap.Arch.Arm64.Arm64Model Model, HerdCorpus.Row Row);

    /// <summary>Runs only when make-corpus.sh sets PMAP_HERD_CORPUS_OUT; otherwise reports itself skipped.</summary>
    private sealed class CorpusWriterFactAttribute : FactAttribute
    {
        public CorpusWriterFactAttribute()
        {
            if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("PMAP_HERD_CORPUS_OUT")))
                Skip = "writes the corpus's litmus tests only for herd/make-corpus.sh (PMAP_HERD_CORPUS_OUT is not set)";
        }
    }

    /// <summary>make-corpus.sh runs this with PMAP_HERD_CORPUS_OUT set: the corpus's litmus tests and their index.</summary>
    [CorpusWriterFact]
    public void Writes_the_corpus_litmus_tests_when_asked()
    {
        var dir = Directory.CreateDirectory(Environment.GetEnvironmentVariable("PMAP_HERD_CORPUS_OUT")!).FullName;
        var model = HerdCorpus.Model();
        var index = new List<string>();
        var n = 0;
        foreach (var (kind, words) in HerdCorpus.Sequences())
        {
            var name = $"{kind}-{++n:D5}";
            File.WriteAllText(Path.Combine(dir, name + ".litmus"), HerdCorpus.Litmus(model, name, kind, words));
            index.Add($"{name}\t{kind}\t{string.Join("; ", words)}");
        }
        File.WriteAllText(Path.Combine(dir, "index.tsv"), string.Join('\n', index) + "\n");
    }

    [Fact]
    public void The_corpus_holds_every_sequence_up_to_its_length_once()
    {
        var expected = HerdCorpus.Sequences().Select(s => (s.Kind, string.Join("; ", s.Words))).ToList();
        Assert.Equal(expected.Count, Rows.Value.Count);
        Assert.Equal(expected.ToHashSet(), Rows.Value.Select(r => (r.Kind, r.Sequence)).ToHashSet());
    }

    [Fact]
    public void Hazards_is_clean_exactly_when_herd_forbids_the_outcome()
    {
        var model = HerdCorpus.Model();
        var wrong = new ConcurrentBag<string>();
        // Each row boots its own machines; the model is shared, read-only once its image is built.
        _ = model.Image;
        Parallel.ForEach(Rows.Value, row =>
        {
            var report = HazardScenarios.Run(model, sequences: Sequences(new(model, row)));
            if (report.Clean == row.Allowed)
                wrong.Add($"{row.Kind} `{row.Sequence}`: herd {(row.Allowed ? "allows" : "forbids")} the outcome, the checker says " +
                          (report.Clean ? "clean" : string.Join(", ", report.Violations.Select(v => v.Rule.Id).Concat(report.Failures))));
        });
        Assert.True(wrong.IsEmpty, $"{wrong.Count} of {Rows.Value.Count} disagree:\n{string.Join('\n', wrong.Order().Take(40))}");
    }

    /// <summary>
    /// On each sequence herd calls safe, --why's verdict on each non-store instruction against herd's on the sequence less it (a row of
    /// the corpus too): needed when herd allows the outcome without it; otherwise jointly necessary when some other instruction not
    /// needed alone can be deleted with it to let the outcome happen, else redundant. The store is needed in both shapes.
    /// </summary>
    [Fact]
    public void Why_agrees_with_herd_on_every_instruction_of_every_safe_sequence()
    {
        var model = HerdCorpus.Model();
        var wrong = new ConcurrentBag<string>();
        _ = model.Image;
        Parallel.ForEach(Rows.Value.Where(r => !r.Allowed), row =>
        {
            var x = new Arm64ModelAndRow(model, row);
            var hook = row.Kind == "map" ? "arch_pmap_map" : "arch_pmap_unmap";
            var verdicts = WhyAnalysis.Run(model, null, Sequences(x)).Where(v => v.Hook == hook).ToList();
            var words = row.Words;
            bool? Without(params int[] gone) =>
                words.Where((_, i) => !gone.Contains(i)).ToList() is var rest && rest.Contains(HerdCorpus.Store)
                    ? Allowed.Value[(row.Kind, string.Join("; ", rest))]
                    : null;
            var neededAlone = Enumerable.Range(0, words.Count).Select(k => words[k] == HerdCorpus.Store || Without(k) == true).ToList();
            for (var k = 0; k < words.Count; k++)
            {
                var expected = neededAlone[k] ? WhyVerdict.Needed
                    : Enumerable.Range(0, words.Count).Any(j => j != k && !neededAlone[j] && Without(k, j) == true) ? WhyVerdict.JointlyNecessary
                    : WhyVerdict.Redundant;
                var got = verdicts.Single(v => v.Index == k);
                if (got.Verdict != expected) wrong.Add($"{row.Kind} `{row.Sequence}` #{k} {words[k]}: herd says {expected}, --why {got.Verdict} ({got.Reason})");
            }
        });
        Assert.True(wrong.IsEmpty, $"{wrong.Count} disagree:\n{string.Join('\n', wrong.Order().Take(40))}");
    }
}
