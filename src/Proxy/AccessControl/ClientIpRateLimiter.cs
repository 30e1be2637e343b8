using System.Collections.Concurrent;
using System.Threading.RateLimiting;

namespace EdgeProxy.AccessControl;

/// <summary>
/// A token bucket per client, as a <see cref="PartitionedRateLimiter{TResource}"/> over the restored client IP's
/// <see cref="ClientKey"/> (an IPv6 /64 or an IPv4 address by default). Time comes from <see cref="TimeProvider"/>
/// (tokens are computed on demand, no timer); the number of tracked clients is bounded: full (idle) buckets are dropped
/// first, then the least recently used.
/// </summary>
internal sealed class ClientIpRateLimiter(double permitsPerSecond, int burst, TimeProvider timeProvider, int maxTrackedClients = ClientIpRateLimiter.DefaultMaxTrackedClients)
    : PartitionedRateLimiter<UInt128>
{
    public const int DefaultMaxTrackedClients = 100_000;
    private readonly ConcurrentDictionary<UInt128, Bucket> _buckets = new();

    public double PermitsPerSecond { get; } = permitsPerSecond;

    public int Burst { get; } = burst;

    public int TrackedClients => _buckets.Count;

    public override RateLimiterStatistics? GetStatistics(UInt128 resource) => null;

    protected override RateLimitLease AttemptAcquireCore(UInt128 key, int permitCount)
    {
        var now = timeProvider.GetTimestamp();
        if (!_buckets.TryGetValue(key, out var bucket))
        {
            if (_buckets.Count >= maxTrackedClients)
            {
                Sweep(now);
            }

            bucket = _buckets.GetOrAdd(key, static (_, state) => new Bucket(state.burst, state.now), (burst: (double)Burst, now));
        }

        lock (bucket)
        {
            Refill(bucket, now);
            if (bucket.Tokens >= permitCount)
            {
                bucket.Tokens -= permitCount;
                return Lease.Granted;
            }

            var wait = (permitCount - bucket.Tokens) / PermitsPerSecond;
            return new Lease(TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling(wait))));
        }
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(UInt128 key, int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AttemptAcquireCore(key, permitCount));

    private void Refill(Bucket bucket, long now)
    {
        var elapsed = timeProvider.GetElapsedTime(bucket.Last, now).TotalSeconds;
        if (elapsed > 0)
        {
            bucket.Tokens = Math.Min(Burst, bucket.Tokens + (elapsed * PermitsPerSecond));
            bucket.Last = now;
        }
    }

    private void Sweep(long now)
    {
        foreach (var (key, bucket) in _buckets)
        {
            lock (bucket)
            {
                Refill(bucket, now);
                if (bucket.Tokens >= Burst)
                {
                    _buckets.TryRemove(key, out _);
                }
            }
        }

        if (_buckets.Count >= maxTrackedClients)
        {
            foreach (var key in _buckets.OrderBy(p => p.Value.Last).Take(_buckets.Count / 2).Select(p => p.Key).ToList())
            {
                _buckets.TryRemove(key, out _);
            }
        }
    }

    private sealed class Bucket(double tokens, long last)
    {
        public double Tokens = tokens;
        public long Last = last;
    }

    private sealed class Lease(TimeSpan? retryAfter) : RateLimitLease
    {
        public static readonly Lease Granted = new(null);

        public override bool IsAcquired => retryAfter is null;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = retryAfter;
            return retryAfter is not null && metadataName == MetadataName.RetryAfter.Name;
        }
    }
}
