namespace EdgeProxy.Common;

/// <summary>Retry delays after consecutive failures: <c>first</c>, then doubling, never more than <c>max</c>.</summary>
internal static class ExponentialBackoff
{
    public static TimeSpan Delay(TimeSpan first, int failures, TimeSpan max)
    {
        // In ticks and capped before a TimeSpan is made: first × 2^n overflows TimeSpan long before n gets large.
        var ticks = first.Ticks * Math.Pow(2, Math.Max(failures - 1, 0));
        return ticks < max.Ticks ? TimeSpan.FromTicks((long)ticks) : max;
    }
}
