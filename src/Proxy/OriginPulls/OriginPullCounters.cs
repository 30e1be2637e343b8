using EdgeProxy.Middleware.ClientIp;

namespace EdgeProxy.OriginPulls;

/// <summary>TLS handshakes on public listeners by the verdict on their client certificate.</summary>
internal sealed class OriginPullCounters
{
    private long _verified;
    private long _missing;
    private long _refused;

    public long Verified => Interlocked.Read(ref _verified);

    public long Missing => Interlocked.Read(ref _missing);

    public long Refused => Interlocked.Read(ref _refused);

    internal void Count(PeerVerification verification)
    {
        switch (verification)
        {
            case PeerVerification.Verified:
                Interlocked.Increment(ref _verified);
                break;
            case PeerVerification.Missing:
                Interlocked.Increment(ref _missing);
                break;
            default:
                Interlocked.Increment(ref _refused);
                break;
        }
    }
}
