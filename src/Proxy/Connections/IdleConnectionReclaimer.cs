using System.Collections.Concurrent;
using EdgeProxy.Middleware;
using EdgeProxy.Middleware.ClientIp;
using Microsoft.AspNetCore.Connections;

namespace EdgeProxy.Connections;

/// <summary>
/// The public listeners' connection limit (<c>Kestrel:Limits:MaxConcurrentConnections</c>), enforced here instead of by
/// Kestrel: at the limit, the longest-idle connection (no request in flight) is closed to admit the new one, as nginx
/// reuses keep-alive connections. Kestrel refuses every new connection while idle ones hold the limit: anyone could lock
/// real clients out with a few thousand idle sockets. A connection with a request in flight is never closed; when every
/// connection has one, the new connection is refused. An untrusted peer address may hold at most
/// <c>EdgeProxy:Connections:MaxPerUntrustedPeer</c> connections, so one address cannot take the pool.
/// </summary>
internal sealed class IdleConnectionReclaimer(TimeProvider timeProvider, long? limit, int? maxPerUntrustedPeer, TrustedNetworkRegistry trusted)
{
    private readonly ConcurrentDictionary<TrackedConnection, byte> _connections = new(ReferenceEqualityComparer.Instance);
    private readonly ConcurrentDictionary<IPAddress, int> _perUntrustedPeer = new();
    private readonly Lock _admission = new();
    private long _current;
    private long _reclaimed;
    private long _refused;
    private long _refusedPerPeer;

    public long? Limit { get; } = limit;

    public long Current => Interlocked.Read(ref _current);

    public long Reclaimed => Interlocked.Read(ref _reclaimed);

    public long Refused => Interlocked.Read(ref _refused);

    public int? MaxPerUntrustedPeer { get; } = maxPerUntrustedPeer is > 0 ? maxPerUntrustedPeer : null;

    public long RefusedPerPeer => Interlocked.Read(ref _refusedPerPeer);

    /// <summary>Connection middleware for a public listener.</summary>
    public async Task OnConnectionAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        var untrustedPeer = MaxPerUntrustedPeer is { } perPeer && connection.RemoteEndPoint is IPEndPoint { Address: var address } && !trusted.Current.Contains(address)
            ? address.Unmapped()
            : null;
        if (untrustedPeer is not null && _perUntrustedPeer.AddOrUpdate(untrustedPeer, 1, static (_, n) => n + 1) > MaxPerUntrustedPeer)
        {
            LeavePeer(untrustedPeer);
            Interlocked.Increment(ref _refusedPerPeer);
            connection.Abort(new ConnectionAbortedException("too many connections from this address"));
            return;
        }

        var tracked = new TrackedConnection(connection, timeProvider.GetTimestamp());
        if (!TryAdmit(tracked))
        {
            if (untrustedPeer is not null)
            {
                LeavePeer(untrustedPeer);
            }

            Interlocked.Increment(ref _refused);
            connection.Abort(new ConnectionAbortedException("connection limit reached and no idle connection to close"));
            return;
        }

        connection.Features.Set(tracked);
        try
        {
            await next(connection);
        }
        finally
        {
            Release(tracked);
            if (untrustedPeer is not null)
            {
                LeavePeer(untrustedPeer);
            }
        }
    }

    private void LeavePeer(IPAddress peer)
    {
        // Removed at zero, so the table holds only addresses with open connections.
        if (_perUntrustedPeer.AddOrUpdate(peer, 0, static (_, n) => n - 1) <= 0)
        {
            _perUntrustedPeer.TryRemove(new KeyValuePair<IPAddress, int>(peer, 0));
        }
    }

    private bool TryAdmit(TrackedConnection tracked)
    {
        if (Limit is not { } limit)
        {
            _connections.TryAdd(tracked, 0);
            Interlocked.Increment(ref _current);
            return true;
        }

        // One admission at a time at the limit, so two new connections never pick the same idle one or overshoot.
        lock (_admission)
        {
            if (Interlocked.Read(ref _current) >= limit && !ReclaimLongestIdle())
            {
                return false;
            }

            _connections.TryAdd(tracked, 0);
            Interlocked.Increment(ref _current);
            return true;
        }
    }

    private bool ReclaimLongestIdle()
    {
        TrackedConnection? longest = null;
        foreach (var (candidate, _) in _connections)
        {
            if (candidate.IsIdle && (longest is null || candidate.IdleSince < longest.IdleSince))
            {
                longest = candidate;
            }
        }

        if (longest is null)
        {
            return false;
        }

        // Counted out now: the new connection takes its place while it closes.
        Release(longest);
        Interlocked.Increment(ref _reclaimed);
        longest.Close();
        return true;
    }

    private void Release(TrackedConnection tracked)
    {
        if (tracked.TryMarkClosed())
        {
            _connections.TryRemove(tracked, out _);
            Interlocked.Decrement(ref _current);
        }
    }
}
