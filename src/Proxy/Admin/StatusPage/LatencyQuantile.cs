using EdgeProxy.Metrics;

namespace EdgeProxy.Admin.StatusPage;

/// <summary>Quantiles from <see cref="DestinationTraffic"/>'s latency buckets, interpolated inside the bucket as Prometheus does.</summary>
internal static class LatencyQuantile
{
    /// <summary>Milliseconds (one decimal), or null when the buckets are empty.</summary>
    public static double? Estimate(long[] buckets, double quantile)
    {
        var total = buckets.Sum();
        if (total == 0)
        {
            return null;
        }

        var bounds = DestinationTraffic.LatencyBoundsMs;
        var rank = quantile * total;
        long below = 0;
        for (var i = 0; i < buckets.Length; i++)
        {
            if (buckets[i] > 0 && below + buckets[i] >= rank)
            {
                // The overflow bucket has no upper bound: its lower bound is the best that can be said.
                if (i == bounds.Length)
                {
                    return bounds[^1];
                }

                var lower = i == 0 ? 0 : bounds[i - 1];
                return Math.Round(lower + ((bounds[i] - lower) * (rank - below) / buckets[i]), 1);
            }

            below += buckets[i];
        }

        return bounds[^1];
    }
}
