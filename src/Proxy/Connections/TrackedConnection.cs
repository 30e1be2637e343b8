using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;

namespace EdgeProxy.Connections;

/// <summary>
/// One public connection as <see cref="IdleConnectionReclaimer"/> sees it: how many requests (HTTP/2 streams) it has in
/// flight and since when it has had none. Set as a connection feature so the request pipeline can find it.
/// </summary>
/// <param name="becameIdle">Called when its last request in flight ends (shared by all connections, not one each).</param>
internal sealed class TrackedConnection(ConnectionContext connection, long acceptedAt, Action? becameIdle = null)
{
    private int _inFlight;
    private int _closed;

    public ConnectionContext Connection { get; } = connection;

    /// <summary>Timestamp (<see cref="TimeProvider.GetTimestamp"/>) since which no request has been in flight.</summary>
    public long IdleSince { get; private set; } = acceptedAt;

    /// <summary>Whether it has carried a request (its HTTP layer runs); before that it is still in its handshake or header wait.</summary>
    public bool Served { get; private set; }

    public bool IsIdle => Volatile.Read(ref _inFlight) == 0 && Volatile.Read(ref _closed) == 0;

    public void RequestStarted()
    {
        Served = true;
        Interlocked.Increment(ref _inFlight);
    }

    public void RequestEnded(long now)
    {
        if (Interlocked.Decrement(ref _inFlight) == 0)
        {
            IdleSince = now;
            becameIdle?.Invoke();
        }
    }

    /// <summary>Marks it closed; true for the one caller that did (the reclaimer or the connection's own end).</summary>
    public bool TryMarkClosed() => Interlocked.Exchange(ref _closed, 1) == 0;

    /// <summary>
    /// Closes an idle connection: HTTP/2 and HTTP/1.1 connections that served requests are asked to close (Kestrel sends
    /// GOAWAY or ends the keep-alive wait), and are aborted if their HTTP layer is not running yet.
    /// </summary>
    public void Close()
    {
        if (Served && Connection.Features.Get<IConnectionLifetimeNotificationFeature>() is { } lifetime)
        {
            lifetime.RequestClose();
        }
        else
        {
            Connection.Abort(new ConnectionAbortedException("closed to make room for a new connection"));
        }
    }
}
