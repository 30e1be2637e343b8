namespace EdgeProxy.Cloudflare;

/// <summary><c>EdgeProxy:Cloudflare</c>: where Cloudflare's ranges come from and how they are kept fresh.</summary>
internal sealed class CloudflareOptions
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

    /// <summary>
    /// A fetched list in which either family's address count (IPv4 and IPv6 apart, overlaps counted once) is more than
    /// this many percent larger than the live one is refused. Unlike the shrink rule, the shipped snapshot counts as live.
    /// </summary>
    public int MaxGrowthPercent { get; set; } = 100;

    /// <summary>
    /// CIDRs no Cloudflare range may overlap; a fetched or cached list that does is refused. Empty means
    /// <see cref="DefaultForbiddenRanges"/>; a configured list replaces the defaults (it does not add to them).
    /// </summary>
    public List<string> ForbiddenRanges { get; set; } = [];

    /// <summary>The special-purpose blocks of RFC 6890 and the IANA registries: never a real proxy's address.</summary>
    public static readonly string[] DefaultForbiddenRanges =
    [
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24",
        "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/3",
        "::/127", "64:ff9b::/96", "2001:db8::/32", "fc00::/7", "fe80::/10", "ff00::/8",
    ];

    /// <summary>
    /// A trusted list older than this (since a source last confirmed it) is stale: a warning in the log, <c>/status</c>
    /// and <c>/metrics</c>, not unreadiness, since every replica shares the source and would go unready at once.
    /// </summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Opt-in: readiness fails while the trusted list is older than this; null (default): never.</summary>
    public TimeSpan? FailReadinessWhenOlderThan { get; set; }

    public bool IsStale(CloudflareRangeList list, DateTimeOffset now) => now - list.ConfirmedAt > MaxAge;

    // Configuration binding appends to a list that starts non-empty, so the lists start empty and the defaults apply here.
    public IReadOnlyList<string> EffectiveSources => Sources.Count > 0 ? Sources : DefaultSources;

    public IReadOnlyList<string> EffectiveForbiddenRanges => ForbiddenRanges.Count > 0 ? ForbiddenRanges : DefaultForbiddenRanges;
}
