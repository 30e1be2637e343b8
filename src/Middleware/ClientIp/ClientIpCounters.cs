namespace EdgeProxy.Middleware.ClientIp;

/// <summary>Counts of what the client-IP middleware restored and what it and the connection filter refused, read by the metrics at scrape time.</summary>
public sealed class ClientIpCounters
{
    private long _restored;
    private long _untrustedHeader;
    private long _malformedHeader;
    private long _workerRefused;
    private long _lockedOut;

    /// <summary>Requests whose client IP was taken from the header of a trusted peer.</summary>
    public long Restored => Interlocked.Read(ref _restored);

    /// <summary>Requests that carried the client-IP header from a peer that is not trusted (header ignored).</summary>
    public long UntrustedHeader => Interlocked.Read(ref _untrustedHeader);

    /// <summary>Requests from a trusted peer whose header was empty, repeated, a list or not an IP address (peer used).</summary>
    public long MalformedHeader => Interlocked.Read(ref _malformedHeader);

    /// <summary>Requests from a trusted peer relaying a Worker of a zone not in <see cref="ClientIpOptions.WorkerZones"/> (peer used, its trusted-prefix headers dropped).</summary>
    public long WorkerRefused => Interlocked.Read(ref _workerRefused);

    /// <summary>Connections closed at accept by <see cref="TrustedPeerConnectionFilter"/>.</summary>
    public long LockedOut => Interlocked.Read(ref _lockedOut);

    internal void CountRestored() => Interlocked.Increment(ref _restored);

    internal void CountUntrustedHeader() => Interlocked.Increment(ref _untrustedHeader);

    internal void CountMalformedHeader() => Interlocked.Increment(ref _malformedHeader);

    internal void CountWorkerRefused() => Interlocked.Increment(ref _workerRefused);

    internal void CountLockedOut() => Interlocked.Increment(ref _lockedOut);
}
