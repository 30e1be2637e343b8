namespace EdgeProxy.Metrics;

/// <summary>The running totals of one destination (see <see cref="DestinationTraffic"/>); only ever grow.</summary>
internal sealed class DestinationCounters
{
    private readonly long[] _latency = new long[DestinationTraffic.LatencyBoundsMs.Length + 1];
    private long _requests;
    private long _serverErrors;
    private volatile LastUpstreamError? _lastError;
    private long _inFlight;
    private long _maxInFlight;
    private long _bytesIn;
    private long _bytesOut;

    /// <summary>Requests forwarded to the destination and not finished yet (response body included).</summary>
    public long InFlight => Interlocked.Read(ref _inFlight);

    /// <summary>The most <see cref="InFlight"/> has been since start.</summary>
    public long MaxInFlight => Interlocked.Read(ref _maxInFlight);

    /// <summary>Request body bytes sent to the destination.</summary>
    public long BytesIn => Interlocked.Read(ref _bytesIn);

    /// <summary>Response body bytes the destination sent back.</summary>
    public long BytesOut => Interlocked.Read(ref _bytesOut);

    public void RequestStarted()
    {
        var now = Interlocked.Increment(ref _inFlight);
        var max = Interlocked.Read(ref _maxInFlight);
        while (now > max)
        {
            var seen = Interlocked.CompareExchange(ref _maxInFlight, now, max);
            if (seen == max)
            {
                break;
            }

            max = seen;
        }
    }

    public void RequestFinished(long bytesIn, long bytesOut)
    {
        Interlocked.Add(ref _bytesIn, bytesIn);
        Interlocked.Add(ref _bytesOut, bytesOut);
        Interlocked.Decrement(ref _inFlight);
    }

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
