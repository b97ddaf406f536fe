using System.Text;
using Pmap.Core;

namespace Pmap.Host;

/// <summary>
/// stdout or stderr, guarded: the first write that fails (a full device, a closed pipe) ends the run as an environment error,
/// and every later write to the broken stream is dropped, so the error handler never tries it again and no trace follows.
/// </summary>
public sealed class GuardedWriter(TextWriter inner, string name) : TextWriter
{
    /// <summary>Whether this is the process's stdout (a terminal's width and colour apply to it).</summary>
    public bool IsStdout => name == "stdout";

    private volatile bool _silenced;

    /// <summary>Drops every later write: the run is ending on a signal, and only the signal's line may follow.</summary>
    public void Silence() => _silenced = true;

    /// <summary>Why the stream broke, or null while it works.</summary>
    public string? Broken { get; private set; }

    public override Encoding Encoding => inner.Encoding;

    public override IFormatProvider FormatProvider => inner.FormatProvider;

    public override void Write(char value) => Guard(() => inner.Write(value));

    public override void Write(char[] buffer, int index, int count) => Guard(() => inner.Write(buffer, index, count));

    public override void Write(ReadOnlySpan<char> buffer)
    {
        if (Broken is not null || _silenced) return;
        try
        {
            inner.Write(buffer);
        }
        catch (IOException e)
        {
            throw Break(e);
        }
    }

    public override void Write(string? value) => Guard(() => inner.Write(value));

    public override void WriteLine(string? value) => Guard(() => inner.WriteLine(value));

    public override void Flush() => Guard(inner.Flush);

    private void Guard(Action write)
    {
        if (Broken is not null || _silenced) return;
        try
        {
            write();
        }
        catch (IOException e)
        {
            throw Break(e);
        }
    }

    private PmapEnvironmentException Break(IOException e)
    {
        Broken = $"cannot write to {name}: {e.Message}";
        return new PmapEnvironmentException(Broken, e);
    }
}
