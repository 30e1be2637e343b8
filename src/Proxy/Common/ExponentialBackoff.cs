namespace EdgeProxy.Common;

/// <summary>Retry delays after consecutive failures: <c>first</c>, then doubling, never more than <c>max</c>.</summary>
internal static class ExponentialBackoff
{
    public static TimeSpan Delay(TimeSpan first, int failures, TimeSpan max)
    {
        // Past 2^30 the doubling only overflows; the cap has long been reached.
        var delay = first * Math.Pow(2, Math.Clamp(failures - 1, 0, 30));
        return delay < max ? delay : max;
    }
}
