using System.Text;
using Pmap.Core;

namespace Pmap.Host;

/// <summary>
/// Console.Out while pmap runs: a plugin that writes to the console (loading, in a hook) reaches stderr, each line marked
/// "pmap: plugin output: " and escaped, so --json stdout stays one document. pmap's own output never comes this way.
/// </summary>
public sealed class PluginConsole(TextWriter stderr) : TextWriter
{
    private readonly StringBuilder _line = new();
    private readonly Lock _gate = new();

    public override Encoding Encoding => stderr.Encoding;

    public override void Write(char value)
    {
        lock (_gate)
        {
            if (value != '\n')
            {
                _line.Append(value);
                return;
            }
            var text = _line.ToString().TrimEnd('\r');
            _line.Clear();
            stderr.WriteLine("pmap: plugin output: " + Hex.Printable(text));
        }
    }

    public override void Flush()
    {
        lock (_gate)
        {
            if (_line.Length == 0) return;
        }
        Write('\n');
    }
}
