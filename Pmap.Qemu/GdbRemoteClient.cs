using System.Globalization;
using System.Text;

namespace Pmap.Qemu;

/// <summary>An error reply (<c>Exx</c>) or a protocol violation from the gdbstub.</summary>
public sealed class GdbProtocolException(string message) : Exception(message);

/// <summary>Why the target stopped: the stop reply as sent, and its signal number.</summary>
public sealed record GdbStopReply(string Raw, int Signal);

/// <summary>
/// A client for the gdb remote serial protocol over a UNIX socket, in acknowledged mode: every packet is
/// checksummed and acknowledged, every wait has a deadline.
/// </summary>
public sealed class GdbRemoteClient : IDisposable, IHandshakeClient
{
    private const int MaxRetransmits = 3;
    private readonly UnixSocketChannel _channel;
    private TargetDescription? _description;

    /// <summary>How long to wait for any one reply (not for <see cref="Continue"/>, which takes its own).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Largest packet the stub accepts, from qSupported (gdb's default until then).</summary>
    public int PacketSize { get; private set; } = 400;

    /// <summary>The features the stub announced in its qSupported reply.</summary>
    public IReadOnlyList<string> StubFeatures { get; private set; } = [];

    internal GdbRemoteClient(UnixSocketChannel channel) => _channel = channel;

    /// <summary>Connects to a gdbstub listening on a UNIX socket and exchanges qSupported.</summary>
    public static GdbRemoteClient Connect(string socketPath, TimeSpan timeout, Func<bool>? giveUp = null) =>
        HandshakeClient.Open(new GdbRemoteClient(UnixSocketChannel.Connect(socketPath, timeout, giveUp)), timeout);

    void IHandshakeClient.Handshake()
    {
        var reply = Request("qSupported:swbreak+;hwbreak+;xmlRegisters=arm,i386,riscv");
        StubFeatures = reply.Split(';', StringSplitOptions.RemoveEmptyEntries);
        foreach (var feature in StubFeatures)
            if (feature.StartsWith("PacketSize=", StringComparison.Ordinal))
                PacketSize = int.Parse(feature["PacketSize=".Length..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }

    /// <summary>The stop reason (<c>?</c>).</summary>
    public GdbStopReply QueryHaltReason() => ParseStop(Request("?"));

    /// <summary>Sends a packet and returns the decoded reply payload.</summary>
    public string Request(string payload) => Encoding.ASCII.GetString(RequestBytes(Encoding.ASCII.GetBytes(payload)));

    internal byte[] RequestBytes(byte[] payload)
    {
        Send(payload);
        return ReceivePacket(DateTime.UtcNow + Timeout);
    }

    /// <summary>Sends one packet and waits for its '+', sending it again after a '-'.</summary>
    internal void Send(byte[] payload)
    {
        var framed = GdbPacket.Frame(payload);
        var deadline = DateTime.UtcNow + Timeout;
        for (int attempt = 0; ; attempt++)
        {
            _channel.Write(framed);
            byte ack = _channel.ReadByte(deadline);
            while (ack != (byte)'+' && ack != (byte)'-') ack = _channel.ReadByte(deadline);
            if (ack == (byte)'+') return;
            if (attempt == MaxRetransmits) throw new GdbProtocolException("gdbstub rejected a packet repeatedly");
        }
    }

    /// <summary>Reads one packet, checks its checksum, acknowledges it and returns the decoded payload.</summary>
    internal byte[] ReceivePacket(DateTime deadline)
    {
        for (int attempt = 0; ; attempt++)
        {
            while (_channel.ReadByte(deadline) != (byte)'$') { }
            var raw = new List<byte>();
            for (byte b = _channel.ReadByte(deadline); b != (byte)'#'; b = _channel.ReadByte(deadline)) raw.Add(b);
            var csText = Encoding.ASCII.GetString([_channel.ReadByte(deadline), _channel.ReadByte(deadline)]);
            bool valid = byte.TryParse(csText, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out byte cs)
                         && cs == GdbPacket.Checksum(raw.ToArray());
            _channel.Write(valid ? "+"u8 : "-"u8);
            if (valid) return GdbPacket.Decode(raw.ToArray());
            if (attempt == MaxRetransmits) throw new GdbProtocolException("gdbstub sent bad checksums repeatedly");
        }
    }

    /// <summary>Sends a request whose only good answer is <c>OK</c>.</summary>
    private void RequestOk(string payload)
    {
        var reply = Request(payload);
        if (reply != "OK") throw Failure(payload, reply);
    }

    private static Exception Failure(string request, string reply)
    {
        var shown = request.Length > 40 ? request[..40] + "..." : request;
        return reply.Length == 0
            ? new NotSupportedException($"gdbstub does not support '{shown}'")
            : new GdbProtocolException($"gdbstub answered '{reply}' to '{shown}'");
    }

    /// <summary>Bytes per memory packet: hex doubles them; leave room for the command and framing.</summary>
    private int MemoryChunk => Math.Max(16, ((PacketSize - 64) / 2) & ~7);

    /// <summary>Reads guest memory (as the current CPU mode sees it; physical while the MMU is off).</summary>
    public byte[] ReadMemory(ulong address, int length)
    {
        var result = new byte[length];
        for (int done = 0; done < length;)
        {
            int chunk = Math.Min(MemoryChunk, length - done);
            var request = string.Create(CultureInfo.InvariantCulture, $"m{address + (ulong)done:x},{chunk:x}");
            var reply = Request(request);
            if (reply.Length == 0 || reply[0] == 'E' && reply.Length == 3) throw Failure(request, reply);
            var bytes = GdbPacket.FromHex(reply);
            if (bytes.Length == 0) throw Failure(request, reply);
            bytes.CopyTo(result, done);
            done += bytes.Length;
        }
        return result;
    }

    /// <summary>Writes guest memory in chunks that fit the stub's packet size.</summary>
    public void WriteMemory(ulong address, ReadOnlySpan<byte> data)
    {
        for (int done = 0; done < data.Length;)
        {
            int chunk = Math.Min(MemoryChunk, data.Length - done);
            RequestOk(string.Create(CultureInfo.InvariantCulture,
                $"M{address + (ulong)done:x},{chunk:x}:{GdbPacket.ToHex(data.Slice(done, chunk))}"));
            done += chunk;
        }
    }

    public ulong ReadUInt64(ulong address) => BitConverter.ToUInt64(ReadMemory(address, 8));

    public void WriteUInt64s(ulong address, IReadOnlyList<ulong> values)
    {
        var bytes = new byte[values.Count * 8];
        for (int i = 0; i < values.Count; i++) BitConverter.TryWriteBytes(bytes.AsSpan(i * 8), values[i]);
        WriteMemory(address, bytes);
    }

    /// <summary>Register number <paramref name="number"/> (low 64 bits).</summary>
    public ulong ReadRegister(int number)
    {
        var request = string.Create(CultureInfo.InvariantCulture, $"p{number:x}");
        var reply = Request(request);
        if (reply.Length == 0 || reply[0] == 'E' && reply.Length == 3) throw Failure(request, reply);
        return GdbPacket.ParseRegisterHex(reply);
    }

    /// <summary>
    /// Writes a register; its width comes from the target description (8 bytes if unknown). QEMU 7.2 answers OK
    /// to writes of Arm system registers (TTBR0_EL2, ...) but ignores them: set those from guest code.
    /// </summary>
    public void WriteRegister(int number, ulong value)
    {
        int bytes = _description?.ByNumber(number) is { BitSize: > 0 and <= 64 } r ? r.BitSize / 8 : 8;
        RequestOk(string.Create(CultureInfo.InvariantCulture, $"P{number:x}={GdbPacket.RegisterHex(value, bytes)}"));
    }

    public ulong ReadRegister(string name) => ReadRegister(Description.Get(name).Number);

    public void WriteRegister(string name, ulong value) => WriteRegister(Description.Get(name).Number, value);

    /// <summary>Register names and numbers, read once from target.xml and the files it includes.</summary>
    public TargetDescription Description => _description ??= TargetDescription.Parse(ReadFeature("target.xml"), ReadFeature);

    /// <summary>Reads one qXfer:features annex in pieces until the stub says it is the last.</summary>
    public string ReadFeature(string annex)
    {
        var text = new StringBuilder();
        int chunk = Math.Max(256, PacketSize - 16);
        while (true)
        {
            var request = string.Create(CultureInfo.InvariantCulture, $"qXfer:features:read:{annex}:{text.Length:x},{chunk:x}");
            var reply = Request(request);
            if (reply.Length == 0 || reply[0] is not ('m' or 'l')) throw Failure(request, reply);
            text.Append(reply, 1, reply.Length - 1);
            if (reply[0] == 'l') return text.ToString();
        }
    }

    /// <summary>Inserts a software breakpoint (<c>Z0</c>); QEMU compares the PC, so any address works, even ROM.</summary>
    public void SetBreakpoint(ulong address, int kind = 4) =>
        RequestOk(string.Create(CultureInfo.InvariantCulture, $"Z0,{address:x},{kind:x}"));

    public void RemoveBreakpoint(ulong address, int kind = 4) =>
        RequestOk(string.Create(CultureInfo.InvariantCulture, $"z0,{address:x},{kind:x}"));

    /// <summary>
    /// Resumes and waits for the stop reply. At the timeout it interrupts the target and throws
    /// <see cref="TimeoutException"/>, leaving the target stopped.
    /// </summary>
    public GdbStopReply Continue(TimeSpan timeout)
    {
        Send("c"u8.ToArray());
        try
        {
            return ParseStop(Encoding.ASCII.GetString(ReceivePacket(DateTime.UtcNow + timeout)));
        }
        catch (TimeoutException)
        {
            Interrupt();
            throw new TimeoutException($"the target did not stop within {timeout.TotalSeconds:0.#} s");
        }
    }

    /// <summary>Executes one instruction (<c>s</c>) and returns the stop reply.</summary>
    public GdbStopReply Step() => ParseStop(Request("s"));

    /// <summary>
    /// Leaves a software breakpoint the target is stopped at: QEMU checks breakpoints before it executes an
    /// instruction, so a plain continue from one stops there again at once. As gdb does: remove, step, reinsert.
    /// </summary>
    public void StepOverBreakpoint(ulong pc)
    {
        RemoveBreakpoint(pc);
        Step();
        SetBreakpoint(pc);
    }

    /// <summary>Stops a running target (the 0x03 byte) and returns its stop reply.</summary>
    public GdbStopReply Interrupt()
    {
        _channel.Write([0x03]);
        return ParseStop(Encoding.ASCII.GetString(ReceivePacket(DateTime.UtcNow + Timeout)));
    }

    private static GdbStopReply ParseStop(string reply)
    {
        if (reply.Length >= 3 && reply[0] is 'T' or 'S' or 'X' or 'W'
            && int.TryParse(reply.AsSpan(1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int signal))
            return new GdbStopReply(reply, signal);
        throw new GdbProtocolException($"not a stop reply: '{reply}'");
    }

    public void Dispose() => _channel.Dispose();
}
