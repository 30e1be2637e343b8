namespace EdgeProxy.Middleware.ClientIp;

/// <summary>A network whose peers may state the client IP, and the named source it came from (for explanations and logs).</summary>
public sealed record TrustedNetwork(IPNetwork2 Network, string Source);
