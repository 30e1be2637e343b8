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

    /// <summary>
    /// After a connection storm (the open connections fell by 500 or more, to half their peak), return the memory the
    /// closed connections held to the system: one aggressive garbage collection and a native heap trim.
    /// </summary>
    public bool ReleaseMemoryAfterStorm { get; set; } = true;

    /// <summary>
    /// Bytes of process working set (RSS) above which a new connection is admitted by closing the longest-idle one, even
    /// below the connection limit, so idle connections cannot grow the process without bound (null: off). Memory never
    /// refuses a connection: with none idle, the new one is admitted anyway.
    /// </summary>
    public long? ReclaimAboveMemory { get; set; }

    /// <summary>
    /// Kestrel continues each connection on its socket's event thread instead of handing every read to the thread pool
    /// (Kestrel's <c>UnsafePreferInlineScheduling</c>), like nginx's event loops, with HTTP/2 sends still coalesced
    /// (<see cref="SendCoalescingPipeWriter"/>): ~20 % less CPU per new TLS connection and per HTTP/1.1 request, HTTP/2
    /// no worse (docs/performance.md, "Handshake CPU"). On by default.
    /// </summary>
    public bool InlineScheduling { get; set; } = true;
}
