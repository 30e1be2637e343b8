namespace EdgeProxy.Middleware.ClientIp;

/// <summary>What the client-IP middleware decided for a request: the TCP peer it saw and where the client IP came from.</summary>
public interface IClientIpFeature
{
    /// <summary>The TCP peer (IPv4-mapped addresses as IPv4); <c>HttpContext.Connection.RemoteIpAddress</c> holds the client.</summary>
    IPAddress Peer { get; }

    ClientIpSource Source { get; }
}
