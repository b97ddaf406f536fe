using System.Text;

namespace Pmap.Qemu.Tests;

public class GdbPacketTests
{
    [Theory]
    [InlineData("OK", "$OK#9a")]
    [InlineData("", "$#00")]
    [InlineData("qSupported", "$qSupported#37")]
    [InlineData("m40000000,8", "$m40000000,8#55")]
    public void Frames_with_a_modulo_256_checksum(string payload, string framed) =>
        Assert.Equal(framed, Encoding.ASCII.GetString(GdbPacket.Frame(payload)));

    [Fact]
    public void Escapes_the_four_special_bytes_and_checksums_what_is_sent()
    {
        var framed = GdbPacket.Frame([(byte)'$', (byte)'#', (byte)'}', (byte)'*', 0x41]);
        byte[] escaped = [0x7d, 0x04, 0x7d, 0x03, 0x7d, 0x5d, 0x7d, 0x0a, 0x41];
        Assert.Equal(escaped, framed[1..^3]);
        Assert.Equal(GdbPacket.Checksum(escaped).ToString("x2"), Encoding.ASCII.GetString(framed[^2..]));
    }

    [Theory]
    [InlineData("0* ", "0000")]        // ' ' = 32: three more
    [InlineData("ab*!c", "abbbbbc")]   // '!' = 33: four more
    [InlineData("x*\u001d", "x")]      // count 29 - 29 = 0
    [InlineData("}\u0003}\u005d", "#}")]
    public void Decodes_run_lengths_and_escapes(string raw, string decoded) =>
        Assert.Equal(decoded, Encoding.Latin1.GetString(GdbPacket.Decode(Encoding.Latin1.GetBytes(raw))));

    [Theory]
    [InlineData("*3")]
    [InlineData("abc}")]
    public void Rejects_malformed_payloads(string raw) =>
        Assert.Throws<FormatException>(() => GdbPacket.Decode(Encoding.ASCII.GetBytes(raw)));

    [Fact]
    public void Register_values_are_little_endian_hex()
    {
        Assert.Equal("8877665544332211", GdbPacket.RegisterHex(0x1122_3344_5566_7788, 8));
        Assert.Equal("88776655", GdbPacket.RegisterHex(0x1122_3344_5566_7788, 4));
        Assert.Equal(0x1122_3344_5566_7788UL, GdbPacket.ParseRegisterHex("8877665544332211"));
        Assert.Equal(0x5566_7788UL, GdbPacket.ParseRegisterHex("88776655"));
    }

    [Fact]
    public void Escaping_round_trips_every_byte()
    {
        var all = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        Assert.Equal(all, GdbPacket.Decode(GdbPacket.EscapeBinary(all)));
    }
}
