using Yarp.ReverseProxy.Configuration;

namespace EdgeProxy.Common;

/// <summary>
/// A section of the configuration file that applies live together with <c>ReverseProxy</c>: every edit reads and
/// validates it from the same bytes as the routes, and it is swapped in with them or not at all.
/// </summary>
internal interface ILiveConfigSection
{
    /// <summary>The configuration sections it applies live (edits of any other key wait for a restart).</summary>
    IReadOnlyList<string> SectionNames { get; }

    /// <summary>Reads and validates the section; adds errors (file and key named) to <paramref name="errors"/>.</summary>
    ILiveConfigStage Stage(IConfiguration configuration, string file, List<string> errors);

    /// <summary>The route as YARP's validator should see it while this section is live (names this section answers for removed).</summary>
    RouteConfig ForYarpValidation(RouteConfig route);
}

/// <summary>A validated, not yet applied version of a live section.</summary>
internal interface ILiveConfigStage
{
    /// <summary>Checks what a route says about this section (e.g. the policy names it uses) against this version.</summary>
    void ValidateRoute(RouteConfig route, string routeKey, List<string> errors);

    /// <summary>The route as YARP's validator should see it when this version is applied.</summary>
    RouteConfig ForYarpValidation(RouteConfig route);

    /// <summary>What this version weakens on the routes that stay, compared with the live one (one line per change, naming the route).</summary>
    IReadOnlyList<string> Loosening(IReadOnlyList<RouteConfig> routes);

    /// <summary>Makes this version the live one; called just before the routes are swapped.</summary>
    void Apply(IReadOnlyList<RouteConfig> routes);
}
