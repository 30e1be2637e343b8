namespace EdgeProxy.AccessControl;

/// <summary>One entry of <c>EdgeProxy:RateLimits:&lt;name&gt;</c>: a token bucket per restored client IP, named by a route's <c>RateLimiterPolicy</c>.</summary>
internal sealed class RateLimitOptions
{
    public const string SectionName = "EdgeProxy:RateLimits";

    /// <summary>Tokens added per second (the sustained rate).</summary>
    public double PermitsPerSecond { get; set; }

    /// <summary>Bucket size: requests a client may send at once after being idle. Defaults to one second's worth (at least 1).</summary>
    public int? Burst { get; set; }

    public int EffectiveBurst => Burst ?? Math.Max(1, (int)Math.Ceiling(PermitsPerSecond));
}
