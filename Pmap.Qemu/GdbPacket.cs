using System.Globalization;
using System.Text;

namespace Pmap.Qemu;

/// <summary>Framing of the gdb remote serial protocol: <c>$payload#cs</c>, binary escapes and run-length encoding.</summary>
public static class GdbPacket
{
    private const byte Escape = (byte)'}';

    /// <summary>Modulo-256 sum of the payload bytes as they are sent (escaped).</summary>
    public static byte Checksum(ReadOnlySpan<byte> payload)
    {
        byte sum = 0;
        foreach (byte b in payload) sum += b;
        return sum;
    }

    /// <summary>The bytes to send for a payload: escaped, framed and checksummed.</summary>
    public static byte[] Frame(ReadOnlySpan<byte> payload)
    {
        var escaped = EscapeBinary(payload);
        var framed = new byte[escaped.Length + 4];
        framed[0] = (byte)'$';
        escaped.CopyTo(framed, 1);
        framed[^3] = (byte)'#';
        var cs = Checksum(escaped).ToString("x2", CultureInfo.InvariantCulture);
        framed[^2] = (byte)cs[0];
        framed[^1] = (byte)cs[1];
        return framed;
    }

    public static byte[] Frame(string payload) => Frame(Encoding.ASCII.GetBytes(payload));

    /// <summary>Escapes '$', '#', '}' and '*' as '}' followed by the byte xor 0x20.</summary>
    public static byte[] EscapeBinary(ReadOnlySpan<byte> data)
    {
        var output = new List<byte>(data.Length);
        foreach (byte b in data)
        {
            if (b is (byte)'$' or (byte)'#' or Escape or (byte)'*')
            {
                output.Add(Escape);
                output.Add((byte)(b ^ 0x20));
            }
            else output.Add(b);
        }
        return [.. output];
    }

    /// <summary>Undoes escapes and run-length encoding ('*' then count + 29) of a received payload.</summary>
    public static byte[] Decode(ReadOnlySpan<byte> raw)
    {
        var output = new List<byte>(raw.Length);
        for (int i = 0; i < raw.Length; i++)
        {
            byte b = raw[i];
            if (b == Escape)
            {
                if (++i == raw.Length) throw new FormatException("gdb packet ends inside an escape");
                output.Add((byte)(raw[i] ^ 0x20));
            }
            else if (b == (byte)'*')
            {
                if (output.Count == 0 || ++i == raw.Length) throw new FormatException("gdb packet has a bad run-length");
                int repeat = raw[i] - 29;
                if (repeat < 0) throw new FormatException("gdb packet has a negative run-length");
                byte last = output[^1];
                for (int k = 0; k < repeat; k++) output.Add(last);
            }
            else output.Add(b);
        }
        return [.. output];
    }

    /// <summary>Lower-case hex of the bytes.</summary>
    public static string ToHex(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(data);

    public static byte[] FromHex(string hex)
    {
        if (hex.Length % 2 != 0) throw new FormatException($"odd-length hex from gdbstub: {hex}");
        return Convert.FromHexString(hex);
    }

    /// <summary>Register value as the target sends it: little-endian bytes in hex.</summary>
    public static string RegisterHex(ulong value, int bytes)
    {
        Span<byte> le = stackalloc byte[8];
        BitConverter.TryWriteBytes(le, value);
        if (!BitConverter.IsLittleEndian) le.Reverse();
        return ToHex(le[..bytes]);
    }

    public static ulong ParseRegisterHex(string hex)
    {
        var bytes = FromHex(hex);
        ulong value = 0;
        for (int i = Math.Min(bytes.Length, 8) - 1; i >= 0; i--) value = (value << 8) | bytes[i];
        return value;
    }
}
