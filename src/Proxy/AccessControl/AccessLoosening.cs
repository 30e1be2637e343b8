using System.Globalization;
using EdgeProxy.Middleware.ClientIp;
using Yarp.ReverseProxy.Configuration;

namespace EdgeProxy.AccessControl;

/// <summary>
/// What a live edit weakens on the routes that stay: an access policy removed from a route or replaced by
/// <c>Anonymous</c>; a policy that allows more addresses, denies fewer, drops <c>BasicAuth</c> or turns
/// <c>Satisfy</c> from <c>All</c> to <c>Any</c>; a rate limit removed or raised. Such an edit applies (it may be
/// meant), but it is said out loud. New routes and removed routes are not compared: neither weakens a route that was
/// protected.
/// </summary>
internal static class AccessLoosening
{
    public const string Anonymous = "Anonymous";
    public const string Disable = "Disable";

    /// <summary>One line per change, each naming its route: "route 'admin': access policy 'office': BasicAuth removed".</summary>
    public static IReadOnlyList<string> Find(
        AccessControlSnapshot before,
        IReadOnlyDictionary<string, AccessPolicy> policies,
        IReadOnlyDictionary<string, RateLimitPolicy> rateLimits,
        IReadOnlyList<RouteConfig> routes)
    {
        var beforePolicy = ByRoute(before.PolicyRoutes);
        var beforeLimit = ByRoute(before.RateLimitRoutes);
        var changes = new List<string>();
        foreach (var route in routes)
        {
            if (beforePolicy.TryGetValue(route.RouteId, out var oldName) && before.Policies.TryGetValue(oldName, out var old))
            {
                var prefix = $"route '{route.RouteId}': access policy '{oldName}'";
                if (string.IsNullOrEmpty(route.AuthorizationPolicy))
                {
                    changes.Add($"{prefix} removed; the route is open to every address");
                }
                else if (string.Equals(route.AuthorizationPolicy, Anonymous, StringComparison.OrdinalIgnoreCase))
                {
                    changes.Add($"{prefix} replaced by Anonymous; the route is open to every address");
                }
                else if (policies.TryGetValue(route.AuthorizationPolicy, out var now))
                {
                    var renamed = string.Equals(oldName, now.Name, StringComparison.OrdinalIgnoreCase) ? "" : $" (now '{now.Name}')";
                    changes.AddRange(Compare(old.Options, now.Options).Select(change => $"{prefix}{renamed}: {change}"));
                }
            }

            if (beforeLimit.TryGetValue(route.RouteId, out var oldLimitName) && before.RateLimits.TryGetValue(oldLimitName, out var oldLimit))
            {
                var prefix = $"route '{route.RouteId}': rate limit '{oldLimitName}'";
                if (string.IsNullOrEmpty(route.RateLimiterPolicy) || string.Equals(route.RateLimiterPolicy, Disable, StringComparison.OrdinalIgnoreCase))
                {
                    changes.Add($"{prefix} removed");
                }
                else if (rateLimits.TryGetValue(route.RateLimiterPolicy, out var limit) &&
                    (limit.Options.PermitsPerSecond > oldLimit.Options.PermitsPerSecond || limit.Options.EffectiveBurst > oldLimit.Options.EffectiveBurst))
                {
                    changes.Add($"{prefix} raised from {Rate(oldLimit.Options)} to {Rate(limit.Options)}{(limit.Name == oldLimit.Name ? "" : $" ('{limit.Name}')")}");
                }
            }
        }

        return changes;
    }

    /// <summary>How <paramref name="now"/> lets in what <paramref name="before"/> kept out.</summary>
    internal static IEnumerable<string> Compare(AccessPolicyOptions before, AccessPolicyOptions now)
    {
        if (before.AllowFrom.Count > 0 && now.AllowFrom.Count == 0)
        {
            yield return "AllowFrom removed; every address is allowed";
        }
        else if (before.AllowFrom.Count > 0)
        {
            foreach (var entry in now.AllowFrom.Where(entry => !Covered(entry, before.AllowFrom)))
            {
                yield return $"AllowFrom now also allows {entry}";
            }
        }

        foreach (var entry in before.DenyFrom.Where(entry => !Covered(entry, now.DenyFrom)))
        {
            yield return $"DenyFrom no longer denies {entry}";
        }

        if (before.BasicAuth is not null && now.BasicAuth is null)
        {
            yield return "BasicAuth removed";
        }

        if (before.Satisfy == AccessSatisfy.All && now.Satisfy == AccessSatisfy.Any)
        {
            yield return "Satisfy changed from All to Any";
        }
    }

    /// <summary>Whether every address of <paramref name="entry"/> is inside one of <paramref name="list"/>.</summary>
    private static bool Covered(string entry, List<string> list)
    {
        if (!CidrParser.TryParse(entry, null, out var network, out _))
        {
            return list.Contains(entry, StringComparer.OrdinalIgnoreCase);
        }

        return list.Any(other => CidrParser.TryParse(other, null, out var wider, out _) && wider.AddressFamily == network.AddressFamily && wider.Contains(network));
    }

    private static string Rate(RateLimitOptions options) =>
        string.Create(CultureInfo.InvariantCulture, $"{options.PermitsPerSecond}/s (burst {options.EffectiveBurst})");

    private static Dictionary<string, string> ByRoute(IReadOnlyDictionary<string, string[]> routesByName)
    {
        var byRoute = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, routes) in routesByName)
        {
            foreach (var route in routes)
            {
                byRoute[route] = name;
            }
        }

        return byRoute;
    }
}
