namespace EdgeProxy.Metrics;

/// <summary>The running totals of one destination (see <see cref="DestinationTraffic"/>); only ever grow.</summary>
internal sealed class DestinationCounters
{
    private readonly long[] _latency = new long[DestinationTraffic.LatencyBoundsMs.Length + 1];
    private long _requests;
    private long _serverErrors;
    private volatile LastUpstreamError? _lastError;

    public long Requests => Interlocked.Read(ref _requests);

    public long ServerErrors => Interlocked.Read(ref _serverErrors);

    public LastUpstreamError? LastError => _lastError;

    public void Record(int statusCode, int latencyBucket, string? error, DateTimeOffset now)
    {
        Interlocked.Increment(ref _latency[latencyBucket]);
        if (statusCode >= 500)
        {
            Interlocked.Increment(ref _serverErrors);
        }

        if (error is not null)
        {
            _lastError = new LastUpstreamError(error, now);
        }

        // Last, so that a reader never sees more requests than the buckets hold.
        Interlocked.Increment(ref _requests);
    }

    /// <summary>A copy of the latency buckets (cumulative since start).</summary>
    public long[] LatencyBuckets()
    {
        var copy = new long[_latency.Length];
        for (var i = 0; i < copy.Length; i++)
        {
            copy[i] = Interlocked.Read(ref _latency[i]);
        }

        return copy;
    }
}
