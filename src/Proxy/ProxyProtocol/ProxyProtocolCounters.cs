namespace EdgeProxy.ProxyProtocol;

/// <summary>One PROXY listener's accepted and refused connections, read by <c>/status</c> and the metrics.</summary>
internal sealed class ProxyProtocolCounters
{
    private readonly long[] _refused = new long[Enum.GetValues<ProxyProtocolRefusal>().Length];
    private long _accepted;

    public long Accepted => Interlocked.Read(ref _accepted);

    public long Refused(ProxyProtocolRefusal reason) => Interlocked.Read(ref _refused[(int)reason]);

    public void CountAccepted() => Interlocked.Increment(ref _accepted);

    public void CountRefused(ProxyProtocolRefusal reason) => Interlocked.Increment(ref _refused[(int)reason]);

    /// <summary>The metric label and <c>/status</c> key of each reason.</summary>
    public static string Label(ProxyProtocolRefusal reason) => reason switch
    {
        ProxyProtocolRefusal.UntrustedSender => "untrusted-sender",
        ProxyProtocolRefusal.Missing => "missing",
        ProxyProtocolRefusal.Malformed => "malformed",
        ProxyProtocolRefusal.Oversized => "oversized",
        ProxyProtocolRefusal.Truncated => "truncated",
        _ => "timeout",
    };
}
