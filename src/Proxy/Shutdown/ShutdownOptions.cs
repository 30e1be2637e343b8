namespace EdgeProxy.Shutdown;

/// <summary><c>EdgeProxy:Shutdown</c>: how SIGTERM drains the proxy for rolling deploys, systemd restarts and Kubernetes.</summary>
internal sealed class ShutdownOptions
{
    public const string SectionName = "EdgeProxy:Shutdown";

    /// <summary>How long the proxy keeps serving, unready, so that load balancers stop sending before it stops accepting.</summary>
    public TimeSpan DrainDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long requests in flight may take to finish once the listeners are closed.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}
