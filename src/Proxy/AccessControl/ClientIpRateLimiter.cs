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
    private readonly Lock _sweeping = new();

    public double PermitsPerSecond { get; } = permitsPerSecond;

    public int Burst { get; } = burst;

    public int TrackedClients => _buckets.Count;

    public override RateLimiterStatistics? GetStatistics(UInt128 resource) => null;

    protected override RateLimitLease AttemptAcquireCore(UInt128 key, int permitCount)
    {
        var now = timeProvider.GetTimestamp();
        if (!_buckets.TryGetValue(key, out var bucket))
        {
            // One sweep at a time (this runs on a socket's event thread): a request arriving meanwhile adds its bucket,
            // the bound is only briefly exceeded.
            if (_buckets.Count >= maxTrackedClients && _sweeping.TryEnter())
            {
                try
                {
                    Sweep(now);
                }
                finally
                {
                    _sweeping.Exit();
                }
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
                // Full by now? Not refilled here: Last stays the client's last request, which the second pass goes by.
                if (bucket.Tokens + (timeProvider.GetElapsedTime(bucket.Last, now).TotalSeconds * PermitsPerSecond) >= Burst)
                {
                    _buckets.TryRemove(key, out _);
                }
            }
        }

        // Busy clients (a flood of addresses each spending tokens) leave few full buckets: then drop the least recently
        // used half too, so the next sweep is at least a tenth of the bound in new clients away, never one per client.
        // Older than a sampled median instead of sorted: passes over the table, no sort.
        if (_buckets.Count >= maxTrackedClients * 9L / 10)
        {
            var cutoff = SampledMedian.Of(_buckets.Select(p => Volatile.Read(ref p.Value.Last)), _buckets.Count);
            var toRemove = _buckets.Count / 2; // at most: many seen at the very same moment (a coarse clock) are not all dropped
            foreach (var (key, bucket) in _buckets)
            {
                if (toRemove > 0 && Volatile.Read(ref bucket.Last) <= cutoff && _buckets.TryRemove(key, out _))
                {
                    toRemove--;
                }
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
