using System.Net.Sockets;

namespace Pmap.Qemu;

/// <summary>
/// A connected UNIX stream socket with a read buffer, where every read has a deadline: nothing here can hang.
/// </summary>
internal sealed class UnixSocketChannel : IDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start, _end;

    private UnixSocketChannel(Socket socket) => _socket = socket;

    /// <summary>Connects, retrying until the socket file accepts or the timeout passes (QEMU creates it while starting).</summary>
    public static UnixSocketChannel Connect(string path, TimeSpan timeout, Func<bool>? giveUp = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                socket.Connect(new UnixDomainSocketEndPoint(path));
                return new UnixSocketChannel(socket);
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && giveUp?.Invoke() != true)
            {
                socket.Dispose();
                Thread.Sleep(20);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
    }

    internal static UnixSocketChannel FromConnected(Socket socket) => new(socket);

    public void Write(ReadOnlySpan<byte> data)
    {
        _socket.SendTimeout = 5000;
        while (!data.IsEmpty)
        {
            int sent = _socket.Send(data);
            data = data[sent..];
        }
    }

    /// <summary>True when a byte is already buffered or waiting on the socket.</summary>
    public bool HasPending => _start < _end || _socket.Available > 0;

    /// <summary>Next byte, or throws <see cref="TimeoutException"/> at the deadline and <see cref="IOException"/> at end of stream.</summary>
    public byte ReadByte(DateTime deadline)
    {
        if (_start == _end) Fill(deadline);
        return _buffer[_start++];
    }

    /// <summary>Bytes up to and excluding the next '\n'.</summary>
    public byte[] ReadLine(DateTime deadline)
    {
        var line = new List<byte>();
        while (true)
        {
            byte b = ReadByte(deadline);
            if (b == (byte)'\n') return [.. line];
            line.Add(b);
        }
    }

    private void Fill(DateTime deadline)
    {
        var remaining = deadline - DateTime.UtcNow;
        if (remaining <= TimeSpan.Zero) throw new TimeoutException("no answer from QEMU in time");
        // Poll rather than ReceiveTimeout: a timed-out blocking receive can leave the socket unusable.
        if (!_socket.Poll((int)Math.Min(remaining.TotalMicroseconds + 1, int.MaxValue), SelectMode.SelectRead))
            throw new TimeoutException("no answer from QEMU in time");
        int n = _socket.Receive(_buffer);
        if (n == 0) throw new IOException("QEMU closed the connection");
        _start = 0;
        _end = n;
    }

    public void Dispose() => _socket.Dispose();
}
