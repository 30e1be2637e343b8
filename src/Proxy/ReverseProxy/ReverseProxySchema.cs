using EdgeProxy.Common;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace EdgeProxy.ReverseProxy;

/// <summary>
/// The keys of YARP's routes and clusters, from its configuration types' properties: YARP's binder ignores any other
/// key, so a misspelt <c>AuthorizationPolicy</c> would leave a route open. Only <c>Routes</c> and <c>Clusters</c>
/// are checked; the rest of <c>ReverseProxy</c> is YARP's.
/// </summary>
internal static class ReverseProxySchema
{
    private static readonly ConfigSchema Match = ConfigSchema.Of<RouteMatch>(
        ("QueryParameters", ConfigSchema.ListOf(ConfigSchema.Of<RouteQueryParameter>())),
        ("Headers", ConfigSchema.ListOf(ConfigSchema.Of<RouteHeader>())));

    private static readonly ConfigSchema Route = ConfigSchema.Of<RouteConfig>(("Match", Match));

    private static readonly ConfigSchema Cluster = ConfigSchema.Of<ClusterConfig>(
        ("SessionAffinity", ConfigSchema.Of<SessionAffinityConfig>(("Cookie", ConfigSchema.Of<SessionAffinityCookieConfig>()))),
        ("HealthCheck", ConfigSchema.Of<HealthCheckConfig>(("Active", ConfigSchema.Of<ActiveHealthCheckConfig>()), ("Passive", ConfigSchema.Of<PassiveHealthCheckConfig>()))),
        // YARP reads SslProtocols as a list of names (the property is a flags enum).
        ("HttpClient", ConfigSchema.Of<HttpClientConfig>(("SslProtocols", ConfigSchema.ListOf(ConfigSchema.Value)), ("WebProxy", ConfigSchema.Of<WebProxyConfig>()))),
        ("HttpRequest", ConfigSchema.Of<ForwarderRequestConfig>()),
        ("Destinations", ConfigSchema.NamedEntries(ConfigSchema.Of<DestinationConfig>())));

    /// <summary><c>ReverseProxy</c>: <c>Routes</c> and <c>Clusters</c>, each a dictionary of ids.</summary>
    public static ConfigSchema Routes { get; } = ConfigSchema.Object(("Routes", ConfigSchema.NamedEntries(Route)), ("Clusters", ConfigSchema.NamedEntries(Cluster)));
}
