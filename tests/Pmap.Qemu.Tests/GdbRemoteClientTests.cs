namespace Pmap.Qemu.Tests;

/// <summary>The gdb remote client against a scripted stub on a UNIX socket.</summary>
public class GdbRemoteClientTests
{
    private const string TargetXml =
        """<?xml version="1.0"?><!DOCTYPE target SYSTEM "gdb-target.dtd">""" +
        """<target><architecture>aarch64</architecture><xi:include href="core.xml"/><xi:include href="sys.xml"/></target>""";
    private const string CoreXml =
        """<?xml version="1.0"?><feature name="core">""" +
        """<reg name="x0" bitsize="64"/><reg name="x1" bitsize="64"/><reg name="cpsr" bitsize="32"/></feature>""";
    private const string SysXml =
        """<?xml version="1.0"?><feature name="sys"><reg name="TTBR0_EL2" bitsize="64" regnum="200"/><reg name="TCR_EL2" bitsize="64"/></feature>""";

    private static readonly byte[] Memory = Enumerable.Range(0, 1000).Select(i => (byte)(i * 7)).ToArray();

    /// <summary>Answers like QEMU's gdbstub, with a small packet size so that memory transfers are chunked.</summary>
    private static string? Answer(string packet)
    {
        if (packet.StartsWith("qSupported")) return "PacketSize=100;qXfer:features:read+";
        if (packet.StartsWith("qXfer:features:read:"))
        {
            var parts = packet["qXfer:features:read:".Length..].Split(':');
            var text = parts[0] switch { "target.xml" => TargetXml, "core.xml" => CoreXml, _ => SysXml };
            var range = parts[1].Split(',');
            int offset = Convert.ToInt32(range[0], 16), length = Convert.ToInt32(range[1], 16);
            if (offset >= text.Length) return "l";
            var piece = text.Substring(offset, Math.Min(length, text.Length - offset));
            return (offset + piece.Length == text.Length ? "l" : "m") + piece;
        }
        if (packet.StartsWith('m'))
        {
            var range = packet[1..].Split(',');
            int address = Convert.ToInt32(range[0], 16), length = Convert.ToInt32(range[1], 16);
            return address + length > Memory.Length ? "E14" : GdbPacket.ToHex(Memory.AsSpan(address, length));
        }
        if (packet.StartsWith('M') || packet.StartsWith('P') || packet.StartsWith("Z0")) return "OK";
        if (packet == "p0") return "8877665544332211";
        if (packet == "?") return "T05thread:01;";
        if (packet == "c") return null; // never stops: the client must time out
        return "";
    }

    private static (FakeUnixServer, FakeGdbStub) Start(FakeGdbStub? stub = null)
    {
        stub ??= new FakeGdbStub();
        var server = new FakeUnixServer(socket => stub.Serve(socket, Answer));
        return (server, stub);
    }

    [Fact]
    public void Handshake_reads_the_packet_size()
    {
        var (server, _) = Start();
        using (server)
        using (var gdb = GdbRemoteClient.Connect(server.SocketPath, TimeSpan.FromSeconds(5)))
        {
            Assert.Equal(0x100, gdb.PacketSize);
            Assert.Equal(5, gdb.QueryHaltReason().Signal);
        }
    }

    [Fact]
    public void Memory_is_moved_in_chunks_that_fit_the_packet_size()
    {
        var (server, stub) = Start();
        using (server)
        using (var gdb = GdbRemoteClient.Connect(server.SocketPath, TimeSpan.FromSeconds(5)))
        {
            Assert.Equal(Memory[10..910], gdb.ReadMemory(10, 900));
            gdb.WriteMemory(0x4000_0000, Memory);
            var writes = stub.Received.Where(p => p.StartsWith('M')).ToList();
            Assert.True(writes.Count > 1);
            Assert.All(writes, w => Assert.True(w.Length + 4 <= 0x100));
            Assert.StartsWith("M40000000,", writes[0]);
            var sent = writes.SelectMany(w => GdbPacket.FromHex(w[(w.IndexOf(':') + 1)..])).ToArray();
            Assert.Equal(Memory, sent);
        }
    }

    [Fact]
    public void Registers_are_found_by_name_through_included_features()
    {
        var (server, stub) = Start();
        using (server)
        using (var gdb = GdbRemoteClient.Connect(server.SocketPath, TimeSpan.FromSeconds(5)))
        {
            Assert.Equal("aarch64", gdb.Description.Architecture);
            Assert.Equal(2, gdb.Description.Get("cpsr").Number);
            Assert.Equal(201, gdb.Description.Get("tcr_el2").Number);
            Assert.Equal(0x1122_3344_5566_7788UL, gdb.ReadRegister("x0"));
            gdb.WriteRegister("cpsr", 0x1D6);
            gdb.WriteRegister("TTBR0_EL2", 0x4100_0000);
            Assert.Contains("P2=d6010000", stub.Received);
            Assert.Contains("Pc8=0000004100000000", stub.Received);
            Assert.Throws<KeyNotFoundException>(() => gdb.ReadRegister("nope"));
        }
    }

    [Fact]
    public void Error_and_empty_replies_throw()
    {
        var (server, _) = Start();
        using (server)
        using (var gdb = GdbRemoteClient.Connect(server.SocketPath, TimeSpan.FromSeconds(5)))
        {
            Assert.Throws<GdbProtocolException>(() => gdb.ReadMemory(990, 20));
            Assert.Throws<NotSupportedException>(() => gdb.RemoveBreakpoint(0x1000));
            gdb.SetBreakpoint(0x1000);
        }
    }

    [Fact]
    public void A_rejected_packet_is_sent_again_and_a_corrupt_reply_is_asked_for_again()
    {
        var (server, stub) = Start(new FakeGdbStub { NakFirstPacket = true, CorruptFirstReply = true });
        using (server)
        using (var gdb = GdbRemoteClient.Connect(server.SocketPath, TimeSpan.FromSeconds(5)))
        {
            Assert.Equal(0x100, gdb.PacketSize);
            Assert.Equal(["qSupported:swbreak+;hwbreak+;xmlRegisters=arm,i386,riscv"], stub.Received);
        }
    }

    [Fact]
    public void Continue_gives_up_at_its_timeout_and_leaves_the_target_interrupted()
    {
        var (server, stub) = Start();
        using (server)
        using (var gdb = GdbRemoteClient.Connect(server.SocketPath, TimeSpan.FromSeconds(5)))
        {
            var started = DateTime.UtcNow;
            Assert.Throws<TimeoutException>(() => gdb.Continue(TimeSpan.FromMilliseconds(300)));
            Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(5));
            Assert.Equal(1, stub.Interrupts);
            Assert.Equal(5, gdb.QueryHaltReason().Signal); // still in step with the stub
        }
    }

    [Fact]
    public void A_silent_stub_times_out_instead_of_hanging()
    {
        using var server = new FakeUnixServer(socket => Thread.Sleep(1500));
        var started = DateTime.UtcNow;
        Assert.Throws<TimeoutException>(() => GdbRemoteClient.Connect(server.SocketPath, TimeSpan.FromMilliseconds(500)));
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromMilliseconds(450), TimeSpan.FromSeconds(5));
    }
}
