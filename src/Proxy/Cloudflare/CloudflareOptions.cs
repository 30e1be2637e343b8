namespace EdgeProxy.Cloudflare;

/// <summary><c>EdgeProxy:Cloudflare</c>: where Cloudflare's ranges come from and how they are kept fresh.</summary>
public sealed class CloudflareOptions
{
    public const string SectionName = "EdgeProxy:Cloudflare";

    /// <summary>
    /// Text lists (one CIDR a line; a URL ending in <c>v4</c>/<c>v6</c> must hold only that family) or Cloudflare's JSON
    /// API (<c>…/client/v4/ips</c>). Every source must answer for a new list to be accepted.
    /// </summary>
    public List<string> Sources { get; set; } = [];

    public static readonly string[] DefaultSources = ["https://www.cloudflare.com/ips-v4", "https://www.cloudflare.com/ips-v6"];

    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromHours(12);

    /// <summary>First retry delay after a failed refresh; doubles on each further failure, up to <see cref="RefreshInterval"/>.</summary>
    public TimeSpan MinRetryInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Per-request timeout for each source.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The last accepted list on disk; relative to <c>EdgeProxy:DataPath</c>.</summary>
    public string CacheFile { get; set; } = "cloudflare-ranges.json";

    /// <summary>A fetched list more than this many percent smaller than the live one is refused.</summary>
    public int MaxShrinkPercent { get; set; } = 50;

    /// <summary>Readiness fails while the trusted list is older than this (since it was last confirmed by a source).</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromDays(7);

    public IReadOnlyList<string> EffectiveSources => Sources.Count > 0 ? Sources : DefaultSources;
}
