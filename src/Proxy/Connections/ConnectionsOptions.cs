namespace EdgeProxy.Connections;

/// <summary><c>EdgeProxy:Connections</c>: how the public listeners share their connection limit.</summary>
internal sealed class ConnectionsOptions
{
    public const string SectionName = "EdgeProxy:Connections";

    /// <summary>
    /// Open connections one untrusted peer address may hold on the public listeners (null or 0: no limit). Trusted peers
    /// (Cloudflare's ranges, <c>TrustedNetworks</c>) are exempt: every visitor arrives through a few of their addresses.
    /// </summary>
    public int? MaxPerUntrustedPeer { get; set; } = 256;
}
