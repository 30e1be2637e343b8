namespace EdgeProxy.AccessControl;

/// <summary>
/// <c>EdgeProxy:AccessControl</c>, read at start: how much of a client IP the brute-force lockout and the rate limits
/// count as one client.
/// </summary>
internal sealed class AccessControlOptions
{
    public const string SectionName = "EdgeProxy:AccessControl";

    /// <summary>
    /// An IPv6 client is counted by this prefix: one end site usually holds a whole /64 and can hop between its
    /// addresses at will, so counting single addresses would let it dodge every limit.
    /// </summary>
    public int IPv6Prefix { get; set; } = 64;

    /// <summary>An IPv4 client is counted by this prefix (32: its address; many people share one address behind NAT already).</summary>
    public int IPv4Prefix { get; set; } = 32;
}
