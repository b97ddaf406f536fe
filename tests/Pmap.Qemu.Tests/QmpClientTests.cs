using System.Text.Json.Nodes;

namespace Pmap.Qemu.Tests;

/// <summary>The QMP client against a scripted server on a UNIX socket.</summary>
public class QmpClientTests
{
    private static IEnumerable<string> Answer(string line)
    {
        var request = JsonNode.Parse(line)!.AsObject();
        var id = request["id"]!.ToJsonString();
        switch (request["execute"]!.GetValue<string>())
        {
            case "qmp_capabilities":
                yield return $$"""{"return": {}, "id": {{id}}}""";
                break;
            case "human-monitor-command":
                var command = request["arguments"]!["command-line"]!.GetValue<string>();
                // An event and a stale reply arrive first: neither is the answer.
                yield return """{"timestamp": {"seconds": 1, "microseconds": 2}, "event": "STOP"}""";
                yield return """{"return": "stale", "id": "other"}""";
                yield return command == "gva2gpa 0x442abc"
                    ? $$"""{"return": "gpa: 0x12345abc\r\n", "id": {{id}}}"""
                    : $$"""{"return": "Unmapped\r\n", "id": {{id}}}""";
                break;
            case "silence":
                break;
            default:
                yield return $$"""{"error": {"class": "CommandNotFound", "desc": "The command nope has not been found"}, "id": {{id}}}""";
                break;
        }
    }

    private static FakeUnixServer Start() => new(socket => FakeQmp.Serve(socket, Answer));

    [Fact]
    public void Negotiates_capabilities_and_reads_the_version()
    {
        using var server = Start();
        using var qmp = QmpClient.Connect(server.SocketPath, TimeSpan.FromSeconds(5));
        Assert.Equal("7.2.22", qmp.Version);
    }

    [Fact]
    public void Human_monitor_commands_return_their_text_and_events_are_kept()
    {
        using var server = Start();
        using var qmp = QmpClient.Connect(server.SocketPath, TimeSpan.FromSeconds(5));
        Assert.Equal("gpa: 0x12345abc\r\n", qmp.HumanMonitorCommand("gva2gpa 0x442abc"));
        Assert.Equal("Unmapped\r\n", qmp.HumanMonitorCommand("gva2gpa 0x0"));
        Assert.Equal(2, qmp.Events.Count);
        Assert.Equal("STOP", qmp.Events[0]["event"]!.GetValue<string>());
    }

    [Fact]
    public void Errors_throw_with_their_class()
    {
        using var server = Start();
        using var qmp = QmpClient.Connect(server.SocketPath, TimeSpan.FromSeconds(5));
        var e = Assert.Throws<QmpException>(() => qmp.Execute("nope"));
        Assert.Equal("CommandNotFound", e.ErrorClass);
    }

    [Fact]
    public void A_missing_reply_times_out()
    {
        using var server = Start();
        using var qmp = QmpClient.Connect(server.SocketPath, TimeSpan.FromSeconds(5));
        qmp.Timeout = TimeSpan.FromMilliseconds(300);
        Assert.Throws<TimeoutException>(() => qmp.Execute("silence"));
    }

    [Fact]
    public void Monitor_answers_become_probe_results()
    {
        Assert.Equal(0x1234_5abcUL, MmuProbe.ParseGva2Gpa(0x442abc, "gpa: 0x12345abc\r\n").Pa);
        var unmapped = MmuProbe.ParseGva2Gpa(0, "Unmapped\r\n");
        Assert.Equal((null, "unmapped", null), (unmapped.Pa, unmapped.FaultKind, unmapped.FaultLevel));
        Assert.Throws<InvalidOperationException>(() => MmuProbe.ParseGva2Gpa(0, "unknown command: 'gva2gpa'"));
    }
}
