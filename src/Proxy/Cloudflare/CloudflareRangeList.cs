namespace EdgeProxy.Cloudflare;

/// <summary>An accepted list of Cloudflare ranges; <see cref="ConfirmedAt"/> is when a source last vouched for it (its age starts there).</summary>
internal sealed record CloudflareRangeList(RangeOrigin Origin, IReadOnlyList<IPNetwork2> Ranges, IReadOnlyList<SourceAnswer> Sources, DateTimeOffset ConfirmedAt)
{
    public static CloudflareRangeList Snapshot { get; } = new(
        RangeOrigin.Snapshot,
        [.. CloudflareSnapshot.Ranges.Select(r => IPNetwork2.Parse(r))],
        [],
        CloudflareSnapshot.PublishedAt);
}
