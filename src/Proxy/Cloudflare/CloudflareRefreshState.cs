namespace EdgeProxy.Cloudflare;

/// <summary>What the refresher last did, for <c>/status</c>, metrics and readiness.</summary>
internal sealed record CloudflareRefreshState(
    DateTimeOffset? LastAttemptAt,
    DateTimeOffset? LastSuccessAt,
    RangeRejection? LastError,
    DateTimeOffset? LastErrorAt,
    int ConsecutiveFailures,
    DateTimeOffset? NextAttemptAt,
    string? CacheProblem)
{
    public static CloudflareRefreshState Initial { get; } = new(null, null, null, null, 0, null, null);
}
