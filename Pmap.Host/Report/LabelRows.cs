namespace Pmap.Host.Report;

/// <summary>A label to place: its text, the x it points at, its font size, and whether it must stand out.</summary>
public sealed record RulerLabel(string Text, double Anchor, double Size = 10, bool Alarm = false);

/// <summary>A label placed: its row (0 nearest the ruler) and the left edge of its box.</summary>
public sealed record PlacedLabel(RulerLabel Label, int Row, double Left, double Width);

/// <summary>
/// Greedy placement of labels in rows so that no two boxes overlap, none leaves [0, width], and no leader line from an anchor
/// to its label crosses another label. Each box starts at its anchor (or, where it would leave the right edge, ends there) and labels
/// are taken from the picture's edges inwards, so a label goes one row beyond every label whose anchor its box covers: a staircase. Where no row meets the
/// leader rule (anchors packed under one box) the first row free of overlap is taken; boxes never overlap.
/// </summary>
public static class LabelRows
{
    /// <summary>Width of one character of the monospace font at size 1, rounded up (DejaVu Sans Mono, Liberation Mono: 0.6).</summary>
    public const double CharWidth = 0.62;
    private const double Gap = 8;

    public static double WidthOf(string text, double size) => text.Length * CharWidth * size + 2;

    public static List<PlacedLabel> Place(IEnumerable<RulerLabel> labels, double width)
    {
        var placed = new List<PlacedLabel>();
        // A box that would leave the right edge ends at its anchor instead; those labels stair the other way, left to right.
        bool EndsAtAnchor(RulerLabel l) => l.Anchor - 3 + WidthOf(l.Text, l.Size) > width - 1;
        var order = labels.Where(EndsAtAnchor).OrderBy(l => l.Anchor).Concat(labels.Where(l => !EndsAtAnchor(l)).OrderByDescending(l => l.Anchor));
        foreach (var l in order)
        {
            var w = WidthOf(l.Text, l.Size);
            var left = Math.Clamp(EndsAtAnchor(l) ? l.Anchor + 3 - w : l.Anchor - 3, 1, Math.Max(1, width - w - 1));
            bool Overlaps(int row) => placed.Any(p => p.Row == row && left < p.Left + p.Width + Gap && p.Left < left + w + Gap);
            // The leader of this label passes every nearer row; the leader of a label in a farther row passes this one.
            bool Tidy(int row) => placed.All(p => (p.Row >= row || !Covers(p.Left, p.Width, l.Anchor))
                                                  && (p.Row <= row || !Covers(left, w, p.Label.Anchor)));
            var rows = placed.Count == 0 ? 1 : placed.Max(p => p.Row) + 2;
            var chosen = Enumerable.Range(0, rows).Cast<int?>().FirstOrDefault(r => !Overlaps(r!.Value) && Tidy(r.Value))
                         ?? Enumerable.Range(0, rows).First(r => !Overlaps(r));
            placed.Add(new PlacedLabel(l, chosen, left, w));
        }
        return placed;
    }

    private static bool Covers(double left, double width, double x) => x >= left - 2 && x <= left + width + 2;
}
