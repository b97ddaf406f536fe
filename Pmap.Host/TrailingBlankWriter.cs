using System.Text;

namespace Pmap.Host;

/// <summary>
/// Drops blanks at the end of every line (Spectre pads table cells and padders to their width), so that no line of human output
/// ends in spaces: blanks are held back until something other than a line end follows them.
/// </summary>
public sealed class TrailingBlankWriter(TextWriter inner) : TextWriter
{
    private int _pendingBlanks;

    public override Encoding Encoding => inner.Encoding;

    public override IFormatProvider FormatProvider => inner.FormatProvider;

    public override string NewLine
    {
        get => inner.NewLine;
#pragma warning disable CS8765 // matches TextWriter's setter
        set => inner.NewLine = value;
#pragma warning restore CS8765
    }

    public override void Write(char value) => Write(new ReadOnlySpan<char>(in value));

    public override void Write(char[] buffer, int index, int count) => Write(buffer.AsSpan(index, count));

    public override void Write(string? value) => Write(value.AsSpan());

    public override void WriteLine(string? value)
    {
        Write(value.AsSpan());
        Write(NewLine.AsSpan());
    }

    public override void Write(ReadOnlySpan<char> buffer)
    {
        var start = 0;
        for (var i = 0; i < buffer.Length; i++)
        {
            var ch = buffer[i];
            if (ch == ' ')
            {
                // Everything before the run of blanks goes out; the blanks wait for what follows.
                if (_pendingBlanks == 0) inner.Write(buffer[start..i]);
                _pendingBlanks++;
                start = i + 1;
                continue;
            }
            if (_pendingBlanks > 0)
            {
                if (ch is not ('\n' or '\r')) inner.Write(new string(' ', _pendingBlanks));
                _pendingBlanks = 0;
                start = i;
            }
        }
        if (_pendingBlanks == 0) inner.Write(buffer[start..]);
    }

    public override void Flush() => inner.Flush();
}
