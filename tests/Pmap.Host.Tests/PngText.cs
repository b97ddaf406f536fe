using System.Buffers.Binary;
using System.Text;

namespace Pmap.Host.Tests;

/// <summary>
/// A PNG's tEXt chunks (PNG specification §11.3.4.3): the report test stamps README's screenshot with the hash of the report
/// it shows, so a screenshot of an older report is recognised without comparing pixels (fonts differ between machines).
/// </summary>
public static class PngText
{
    private const int SignatureLength = 8;

    /// <summary>The text of the first tEXt chunk with <paramref name="keyword"/>, or null.</summary>
    public static string? Read(byte[] png, string keyword)
    {
        for (var at = SignatureLength; at + 12 <= png.Length;)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at));
            if (length < 0 || at + 12 + length > png.Length) return null;
            if (Encoding.ASCII.GetString(png, at + 4, 4) == "tEXt")
            {
                var data = Encoding.Latin1.GetString(png, at + 8, length);
                var nul = data.IndexOf('\0', StringComparison.Ordinal);
                if (nul > 0 && data[..nul] == keyword) return data[(nul + 1)..];
            }
            at += 12 + length;
        }
        return null;
    }

    /// <summary>The PNG with a tEXt chunk keyword=text inserted after its IHDR (the first chunk).</summary>
    public static byte[] Write(byte[] png, string keyword, string text)
    {
        var afterHeader = SignatureLength + 12 + (int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(SignatureLength));
        var body = Encoding.Latin1.GetBytes($"tEXt{keyword}\0{text}");
        var chunk = new byte[body.Length + 8];
        BinaryPrimitives.WriteUInt32BigEndian(chunk, (uint)(body.Length - 4));
        body.CopyTo(chunk, 4);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(chunk.Length - 4), Crc32(body));
        return [.. png.AsSpan(0, afterHeader), .. chunk, .. png.AsSpan(afterHeader)];
    }

    // CRC-32 as PNG defines it (ISO 3309, reflected polynomial 0xEDB88320) over the chunk's type and data.
    private static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }
}
