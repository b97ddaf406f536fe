using System.Net.Sockets;
using System.Text;

namespace Pmap.Qemu.Tests;

/// <summary>An in-process UNIX-socket server that runs <c>serve</c> on the first connection.</summary>
internal sealed class FakeUnixServer : IDisposable
{
    private readonly Socket _listener = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
    private readonly string _directory = Directory.CreateTempSubdirectory("pmapq-fake-").FullName;
    private readonly Task _task;

    public string SocketPath { get; }

    public FakeUnixServer(Action<Socket> serve)
    {
        SocketPath = Path.Combine(_directory, "s.sock");
        _listener.Bind(new UnixDomainSocketEndPoint(SocketPath));
        _listener.Listen(1);
        // Its own thread: pool threads may all be busy with other tests' blocking waits.
        _task = Task.Factory.StartNew(() =>
        {
            try
            {
                using var connection = _listener.Accept();
                connection.ReceiveTimeout = 5000;
                serve(connection);
            }
            catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException)
            {
                // The client went away: the test decides what that means.
            }
        }, TaskCreationOptions.LongRunning);
    }

    public void Dispose()
    {
        try
        {
            _listener.Dispose();
            _task.Wait(TimeSpan.FromSeconds(5));
        }
        finally
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}

/// <summary>
/// A scripted gdbstub: answers each packet with <c>reply(payload)</c> (null: no answer), logs what it got and
/// can misbehave once: NAK the first packet, or send the first reply with a bad checksum.
/// </summary>
internal sealed class FakeGdbStub
{
    public List<string> Received { get; } = [];
    public bool NakFirstPacket { get; init; }
    public bool CorruptFirstReply { get; init; }
    public int Interrupts { get; private set; }

    public void Serve(Socket socket, Func<string, string?> reply)
    {
        bool nakPending = NakFirstPacket, corruptPending = CorruptFirstReply;
        var one = new byte[1];
        byte Next()
        {
            if (socket.Receive(one) == 0) throw new IOException("closed");
            return one[0];
        }
        while (true)
        {
            byte b = Next();
            if (b == 0x03)
            {
                Interrupts++;
                SendPacket(socket, "T02", false, Next);
                continue;
            }
            if (b != (byte)'$') continue;
            var payload = new List<byte>();
            for (byte c = Next(); c != (byte)'#'; c = Next()) payload.Add(c);
            Next();
            Next();
            if (nakPending)
            {
                nakPending = false;
                socket.Send("-"u8);
                continue;
            }
            socket.Send("+"u8);
            var text = Encoding.ASCII.GetString(payload.ToArray());
            Received.Add(text);
            if (reply(text) is { } answer)
            {
                SendPacket(socket, answer, corruptPending, Next);
                corruptPending = false;
            }
        }
    }

    private static void SendPacket(Socket socket, string payload, bool corrupt, Func<byte> next)
    {
        while (true)
        {
            var framed = GdbPacket.Frame(payload);
            if (corrupt) framed[^1] = (byte)(framed[^1] == (byte)'0' ? '1' : '0');
            socket.Send(framed);
            if (next() == (byte)'+') return;
            corrupt = false;
        }
    }
}

/// <summary>A scripted QMP server: greeting, then one line of answer per command line.</summary>
internal static class FakeQmp
{
    public const string Greeting =
        """{"QMP": {"version": {"qemu": {"micro": 22, "minor": 2, "major": 7}, "package": ""}, "capabilities": []}}""";

    public static void Serve(Socket socket, Func<string, IEnumerable<string>> answer)
    {
        using var stream = new NetworkStream(socket);
        using var reader = new StreamReader(stream);
        using var writer = new StreamWriter(stream) { AutoFlush = true, NewLine = "\r\n" };
        writer.WriteLine(Greeting);
        for (var line = reader.ReadLine(); line is not null; line = reader.ReadLine())
            foreach (var response in answer(line)) writer.WriteLine(response);
    }
}
