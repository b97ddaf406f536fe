using System.Buffers.Binary;
using System.Text;

namespace Pmap.Verify.RealXen;

/// <summary>
/// Just enough of the flattened device tree format (devicetree specification §5) to add one property to
/// <c>/chosen</c> of QEMU's own tree, so that no device-tree compiler is needed.
/// </summary>
public static class Fdt
{
    private const uint Magic = 0xD00D_FEED;
    private const uint BeginNode = 1, EndNode = 2, Prop = 3, Nop = 4, End = 9;

    /// <summary>A copy of <paramref name="blob"/> with a string property added as the first property of /chosen.</summary>
    public static byte[] AddChosenString(byte[] blob, string name, string value)
    {
        if (blob.Length < 40 || U32(blob, 0) != Magic) throw new FormatException("not a flattened device tree");
        int structOff = (int)U32(blob, 8), stringsOff = (int)U32(blob, 12), rsvOff = (int)U32(blob, 16);
        int stringsSize = (int)U32(blob, 32), structSize = (int)U32(blob, 36);
        var structBlock = blob.AsSpan(structOff, structSize).ToArray();
        var strings = blob.AsSpan(stringsOff, stringsSize).ToArray();
        var insertAt = ChosenBody(structBlock);

        var data = Encoding.ASCII.GetBytes(value + "\0");
        var prop = new byte[12 + Align4(data.Length)];
        BinaryPrimitives.WriteUInt32BigEndian(prop, Prop);
        BinaryPrimitives.WriteUInt32BigEndian(prop.AsSpan(4), (uint)data.Length);
        BinaryPrimitives.WriteUInt32BigEndian(prop.AsSpan(8), (uint)strings.Length);
        data.CopyTo(prop, 12);
        byte[] newStruct = [.. structBlock.AsSpan(0, insertAt), .. prop, .. structBlock.AsSpan(insertAt)];
        byte[] newStrings = [.. strings, .. Encoding.ASCII.GetBytes(name + "\0")];

        // Header, then the reservation map as it was (up to the structure block), structure, strings.
        var rsv = blob.AsSpan(rsvOff, structOff - rsvOff).ToArray();
        var header = blob.AsSpan(0, 40).ToArray();
        int newStructOff = 40 + rsv.Length, newStringsOff = newStructOff + newStruct.Length;
        var total = newStringsOff + newStrings.Length;
        Put(header, 4, total);
        Put(header, 8, newStructOff);
        Put(header, 12, newStringsOff);
        Put(header, 16, 40);
        Put(header, 32, newStrings.Length);
        Put(header, 36, newStruct.Length);
        return [.. header, .. rsv, .. newStruct, .. newStrings];
    }

    /// <summary>Offset just after the BEGIN_NODE of /chosen (a child of the root) in the structure block.</summary>
    private static int ChosenBody(byte[] s)
    {
        int at = 0, depth = 0;
        while (at + 4 <= s.Length)
        {
            var token = U32(s, at);
            at += 4;
            switch (token)
            {
                case BeginNode:
                    var end = Array.IndexOf(s, (byte)0, at);
                    var node = Encoding.ASCII.GetString(s, at, end - at);
                    at = Align4(end + 1);
                    depth++;
                    if (depth == 2 && node == "chosen") return at;
                    break;
                case EndNode:
                    depth--;
                    break;
                case Prop:
                    at += 8 + Align4((int)U32(s, at));
                    break;
                case Nop:
                    break;
                case End:
                    throw new FormatException("the device tree has no /chosen node");
                default:
                    throw new FormatException($"unknown device-tree token {token} at {at - 4}");
            }
        }
        throw new FormatException("the device tree's structure block has no end");
    }

    private static uint U32(byte[] b, int at) => BinaryPrimitives.ReadUInt32BigEndian(b.AsSpan(at));

    private static void Put(byte[] b, int at, int value) => BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(at), (uint)value);

    private static int Align4(int n) => (n + 3) & ~3;
}
