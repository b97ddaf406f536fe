namespace Pmap.Qemu;

/// <summary>A protocol client that greets its server once connected (gdb's qSupported, QMP's capabilities).</summary>
internal interface IHandshakeClient : IDisposable
{
    TimeSpan Timeout { get; set; }

    void Handshake();
}

internal static class HandshakeClient
{
    /// <summary>Runs the handshake within the connect budget, then restores the reply timeout; disposes the client if it fails.</summary>
    public static T Open<T>(T client, TimeSpan timeout) where T : IHandshakeClient
    {
        var replyTimeout = client.Timeout;
        try
        {
            // The first answers count against the connect budget too.
            client.Timeout = timeout;
            client.Handshake();
            client.Timeout = replyTimeout;
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }
}
