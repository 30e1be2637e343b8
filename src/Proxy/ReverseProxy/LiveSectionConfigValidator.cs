using EdgeProxy.Common;
using Yarp.ReverseProxy.Configuration;

namespace EdgeProxy.ReverseProxy;

/// <summary>
/// YARP's validator with the names that live sections answer for taken out of each route first. YARP checks a route's
/// <c>RateLimiterPolicy</c> against ASP.NET Core's <c>RateLimiterOptions</c>, whose policies are fixed at start; our
/// rate limits (and access policies) change with the file, and <see cref="ILiveConfigStage.ValidateRoute"/> checks their
/// names against the edit being loaded instead. Unknown names still reach YARP and are refused by it.
/// </summary>
internal sealed class LiveSectionConfigValidator(IConfigValidator yarp, IEnumerable<ILiveConfigSection> sections) : IConfigValidator
{
    public const string InnerKey = "yarp";

    public ValueTask<IList<Exception>> ValidateRouteAsync(RouteConfig route)
    {
        foreach (var section in sections)
        {
            route = section.ForYarpValidation(route);
        }

        return yarp.ValidateRouteAsync(route);
    }

    public ValueTask<IList<Exception>> ValidateClusterAsync(ClusterConfig cluster) => yarp.ValidateClusterAsync(cluster);
}
