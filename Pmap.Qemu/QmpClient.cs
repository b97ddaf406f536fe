using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pmap.Qemu;

/// <summary>An <c>error</c> reply from QMP.</summary>
public sealed class QmpException(string errorClass, string description)
    : Exception($"QMP error {errorClass}: {description}")
{
    public string ErrorClass { get; } = errorClass;
    public string Description { get; } = description;
}

/// <summary>
/// A client for the QEMU Machine Protocol over a UNIX socket: one JSON object per line, commands matched to
/// replies by id, asynchronous events kept aside.
/// </summary>
public sealed class QmpClient : IDisposable, IHandshakeClient
{
    private readonly UnixSocketChannel _channel;
    private readonly List<JsonObject> _events = [];
    private long _nextId;

    /// <summary>How long to wait for any one reply.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The server's greeting (<c>{"QMP": {"version": ...}}</c>).</summary>
    public JsonObject Greeting { get; private set; } = [];

    /// <summary>Events received while waiting for replies, oldest first.</summary>
    public IReadOnlyList<JsonObject> Events => _events;

    internal QmpClient(UnixSocketChannel channel) => _channel = channel;

    /// <summary>Connects, reads the greeting and leaves capabilities negotiation mode.</summary>
    public static QmpClient Connect(string socketPath, TimeSpan timeout, Func<bool>? giveUp = null) =>
        HandshakeClient.Open(new QmpClient(UnixSocketChannel.Connect(socketPath, timeout, giveUp)), timeout);

    void IHandshakeClient.Handshake()
    {
        var greeting = ReadMessage(DateTime.UtcNow + Timeout);
        if (greeting["QMP"] is null) throw new QmpException("ProtocolError", $"unexpected greeting {greeting.ToJsonString()}");
        Greeting = greeting;
        Execute("qmp_capabilities");
    }

    /// <summary>QEMU's version as "major.minor.micro", from the greeting.</summary>
    public string? Version => Greeting["QMP"]?["version"]?["qemu"] is JsonObject v
        ? $"{v["major"]}.{v["minor"]}.{v["micro"]}"
        : null;

    /// <summary>Runs a command and returns its <c>return</c> value; throws <see cref="QmpException"/> on error.</summary>
    public JsonNode? Execute(string command, JsonObject? arguments = null)
    {
        var id = (++_nextId).ToString(CultureInfo.InvariantCulture);
        var request = new JsonObject { ["execute"] = command, ["id"] = id };
        if (arguments is not null) request["arguments"] = arguments;
        _channel.Write(Encoding.UTF8.GetBytes(request.ToJsonString() + "\n"));

        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            var message = ReadMessage(deadline);
            if (message["event"] is not null)
            {
                _events.Add(message);
                continue;
            }
            // A reply without an id is QEMU failing to parse the request: it is ours.
            if (message["id"] is { } replyId && replyId.ToString() != id) continue;
            if (message["error"] is JsonObject error)
                throw new QmpException(error["class"]?.GetValue<string>() ?? "?", error["desc"]?.GetValue<string>() ?? "");
            return message["return"];
        }
    }

    /// <summary>Runs an HMP (human monitor) command line and returns its text output.</summary>
    public string HumanMonitorCommand(string commandLine) =>
        Execute("human-monitor-command", new JsonObject { ["command-line"] = commandLine })?.GetValue<string>() ?? "";

    private JsonObject ReadMessage(DateTime deadline)
    {
        while (true)
        {
            var line = _channel.ReadLine(deadline);
            if (line.Length == 0 || line.All(b => b is (byte)' ' or (byte)'\r')) continue;
            try
            {
                return JsonNode.Parse(line) as JsonObject
                       ?? throw new QmpException("ProtocolError", "QMP sent a non-object");
            }
            catch (JsonException e)
            {
                throw new QmpException("ProtocolError", $"QMP sent malformed JSON: {e.Message}");
            }
        }
    }

    public void Dispose() => _channel.Dispose();
}
