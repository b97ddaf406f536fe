namespace Pmap.Host.Views;

/// <summary>
/// Splitting a wide table into tables that fit the console, so cells wrap at spaces and a hex number or a
/// name (a word Spectre would cut to fit) is never broken across lines.
/// </summary>
public static class Fit
{
    /// <summary>The narrowest a column can be without cutting a word: its longest word plus padding and border.</summary>
    public static int MinWidth(IEnumerable<string> cells) =>
        cells.SelectMany(c => c.Split([' ', '\n'])).Select(w => w.Length).DefaultIfEmpty(0).Max() + 3;

    /// <summary>Groups of column indexes 1..n, each fitting <paramref name="width"/> together with column 0.</summary>
    public static List<List<int>> Chunks(int width, IReadOnlyList<int> minWidths)
    {
        var chunks = new List<List<int>>();
        var used = minWidths[0] + 1;
        for (var i = 1; i < minWidths.Count; i++)
        {
            if (chunks.Count == 0 || used + minWidths[i] > width)
            {
                chunks.Add([]);
                used = minWidths[0] + 1;
            }
            chunks[^1].Add(i);
            used += minWidths[i];
        }
        return chunks;
    }
}
