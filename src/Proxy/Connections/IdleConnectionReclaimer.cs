using System.Collections.Concurrent;
using EdgeProxy.Common;
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
/// <c>EdgeProxy:Connections:MaxPerUntrustedPeer</c> connections, so one address cannot take the pool. While the process's
/// working set is above <c>EdgeProxy:Connections:ReclaimAboveMemory</c>, a new connection closes the longest-idle one
/// even below the limit (and is admitted when none is idle: memory never refuses).
/// </summary>
internal sealed partial class IdleConnectionReclaimer(
    TimeProvider timeProvider,
    long? limit,
    int? maxPerUntrustedPeer,
    TrustedNetworkRegistry trusted,
    long? reclaimAboveMemory,
    ProcessMemorySampler memory,
    ILogger<IdleConnectionReclaimer> logger)
{
    /// <summary>At most one log line per this interval about memory reclaims, with the count since the previous line.</summary>
    internal static readonly TimeSpan MemoryLogInterval = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<TrackedConnection, byte> _connections = new(ReferenceEqualityComparer.Instance);
    private readonly ConcurrentDictionary<IPAddress, int> _perUntrustedPeer = new();
    private readonly Lock _admission = new();
    private readonly IdleCandidates _anyIdle = new(static _ => true);
    private readonly IdleCandidates _servedIdle = new(static connection => connection.Served);
    private Action? _becameIdle;
    private long _current;
    private long _reclaimed;
    private long _refused;
    private long _refusedPerPeer;
    private long _reclaimedForMemory;
    private long _unreportedForMemory;
    private long? _memoryLoggedAt;

    public long? Limit { get; } = limit;

    public long Current => Interlocked.Read(ref _current);

    public long Reclaimed => Interlocked.Read(ref _reclaimed);

    public long Refused => Interlocked.Read(ref _refused);

    public int? MaxPerUntrustedPeer { get; } = maxPerUntrustedPeer is > 0 ? maxPerUntrustedPeer : null;

    public long RefusedPerPeer => Interlocked.Read(ref _refusedPerPeer);

    /// <summary>Working set in bytes above which idle connections make room for new ones; null: off.</summary>
    public long? ReclaimAboveMemory { get; } = reclaimAboveMemory;

    /// <summary>Idle connections closed because the working set was above <see cref="ReclaimAboveMemory"/> (at the limit they count in <see cref="Reclaimed"/>).</summary>
    public long ReclaimedForMemory => Interlocked.Read(ref _reclaimedForMemory);

    /// <summary>The working set as last sampled (at most a second old).</summary>
    public long WorkingSet => memory.WorkingSet;

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

        if (Limit is { } atLimit && Interlocked.Read(ref _current) >= atLimit || (ReclaimAboveMemory is not null && memory.WorkingSet > ReclaimAboveMemory))
        {
            // Admission may scan the open connections under a lock: not on a socket's event thread, where this runs
            // after a PROXY protocol header was read.
            await Task.Yield();
        }

        var tracked = new TrackedConnection(connection, timeProvider.GetTimestamp(), _becameIdle ??= BecameIdle);
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
        var workingSet = ReclaimAboveMemory is null ? 0 : memory.WorkingSet;
        var overMemory = workingSet > ReclaimAboveMemory;
        if (Limit is null && !overMemory)
        {
            Add(tracked);
            return true;
        }

        // One admission at a time at the limit (or over memory), so two new connections never pick the same idle one or overshoot.
        lock (_admission)
        {
            if (Limit is { } limit && Interlocked.Read(ref _current) >= limit)
            {
                if (!ReclaimLongestIdle(servedOnly: false))
                {
                    return false;
                }

                Interlocked.Increment(ref _reclaimed);
            }
            else if (overMemory && ReclaimLongestIdle(servedOnly: true))
            {
                Interlocked.Increment(ref _reclaimedForMemory);
                ReportMemoryReclaim(workingSet);
            }

            Add(tracked);
            return true;
        }
    }

    private void Add(TrackedConnection tracked)
    {
        _connections.TryAdd(tracked, 0);
        _anyIdle.Signal.Raise(); // idle until its first request
        Interlocked.Increment(ref _current);
    }

    /// <summary>Under the admission lock: the first memory reclaim is logged, later ones at most once per <see cref="MemoryLogInterval"/>.</summary>
    private void ReportMemoryReclaim(long workingSet)
    {
        _unreportedForMemory++;
        var now = timeProvider.GetTimestamp();
        if (_memoryLoggedAt is { } last && timeProvider.GetElapsedTime(last, now) < MemoryLogInterval)
        {
            return;
        }

        Log.ReclaimedForMemory(logger, workingSet / 1048576, ReclaimAboveMemory.GetValueOrDefault() / 1048576, _unreportedForMemory);
        _unreportedForMemory = 0;
        _memoryLoggedAt = now;
    }

    /// <summary>A request ended with none left in flight on its connection: a scan for idle connections may find it.</summary>
    private void BecameIdle()
    {
        _anyIdle.Signal.Raise();
        _servedIdle.Signal.Raise();
    }

    /// <summary>
    /// Closes the longest-idle connection. For memory only one that has served a request (a keep-alive wait): a connection
    /// still in its handshake is not closed for memory, or new connections arriving faster than handshakes complete would
    /// close each other while the working set stays high. At the limit any idle one, the handshake timeout's job included.
    /// </summary>
    private bool ReclaimLongestIdle(bool servedOnly)
    {
        if ((servedOnly ? _servedIdle : _anyIdle).Take(_connections) is not { } longest)
        {
            return false;
        }

        // Counted out now: the new connection takes its place while it closes.
        Release(longest);
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

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.ConnectionsReclaimedForMemory, Level = LogLevel.Information,
            Message = "Working set {WorkingSetMb} MB is above EdgeProxy:Connections:ReclaimAboveMemory ({ThresholdMb} MB): closing idle connections to admit new ones, {Count} since the last report")]
        public static partial void ReclaimedForMemory(ILogger logger, long workingSetMb, long thresholdMb, long count);
    }
}
