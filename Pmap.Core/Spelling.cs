namespace Pmap.Core;

/// <summary>"Did you mean": the closest of the allowed names to a misspelt one.</summary>
public static class Spelling
{
    /// <summary>The candidate nearest <paramref name="input"/> by edit distance, when near enough to be a typo; else null.</summary>
    public static string? Closest(string input, IEnumerable<string> candidates)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(candidates);
        var word = input.ToLowerInvariant();
        // A third of the word, at least 1 and at most 3: "arm46" finds arm64, "x68" finds x86, "foo" finds nothing.
        var allowed = Math.Clamp(word.TrimStart('-').Length / 3, 1, 3);
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var c in candidates.Distinct(StringComparer.Ordinal))
        {
            var d = Distance(word, c.ToLowerInvariant());
            if (d < bestDistance && d <= allowed && d > 0)
            {
                best = c;
                bestDistance = d;
            }
        }
        return best;
    }

    /// <summary>" (did you mean X?)", or nothing when no candidate is close.</summary>
    public static string Hint(string input, IEnumerable<string> candidates) =>
        Closest(input, candidates) is { } c ? $" (did you mean {c}?)" : "";

    /// <summary>Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours cost 1.</summary>
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        }
        return d[a.Length, b.Length];
    }
}
