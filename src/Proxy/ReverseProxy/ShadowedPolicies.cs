using Yarp.ReverseProxy.Configuration;

namespace EdgeProxy.ReverseProxy;

/// <summary>
/// Finds protected routes that another route walks around: a route with an <c>AuthorizationPolicy</c> or
/// <c>RateLimiterPolicy</c> restricted by <c>Methods</c> or <c>Hosts</c>, while another route with a weaker policy (none,
/// or a different one) matches an overlapping path for the other methods or hosts. A <c>PUT</c> to a route limited to
/// <c>GET</c> is then served by the catch-all, unprotected: what nginx's <c>limit_except</c> exists to prevent.
/// </summary>
internal static class ShadowedPolicies
{
    public static List<string> Find(IReadOnlyList<RouteConfig> routes)
    {
        var warnings = new List<string>();
        foreach (var route in routes)
        {
            var match = route.Match;
            var methods = match.Methods is { Count: > 0 } m ? m : null;
            var hosts = match.Hosts is { Count: > 0 } h ? h : null;
            if (methods is null && hosts is null)
            {
                continue;
            }

            foreach (var (kind, policy, open) in Protections(route))
            {
                foreach (var other in routes)
                {
                    if (ReferenceEquals(other, route) || !PathsOverlap(match.Path, other.Match.Path) ||
                        string.Equals(Policy(other, kind), policy, StringComparison.OrdinalIgnoreCase))
                    {
                        continue;
                    }

                    var forOtherMethods = methods is not null && TakesOthers(methods, other.Match.Methods) && Overlap(hosts, other.Match.Hosts);
                    var forOtherHosts = hosts is not null && TakesOthers(hosts, other.Match.Hosts) && Overlap(methods, other.Match.Methods);
                    if (!forOtherMethods && !forOtherHosts)
                    {
                        continue;
                    }

                    var restriction = forOtherMethods ? $"Methods [{string.Join(", ", methods!)}]" : $"Hosts [{string.Join(", ", hosts!)}]";
                    var others = forOtherMethods ? "other methods" : "other hosts";
                    var weaker = Policy(other, kind) is { Length: > 0 } name && !name.Equals(open, StringComparison.OrdinalIgnoreCase) ? $"{kind} '{name}'" : $"no {kind}";
                    warnings.Add(
                        $"ReverseProxy:Routes:{route.RouteId} has {kind} '{policy}' only for {restriction}; route '{other.RouteId}' ({weaker}) " +
                        $"matches the same path for {others} and serves them without it. Drop {(forOtherMethods ? "Methods" : "Hosts")} from " +
                        $"'{route.RouteId}' (nginx limit_except: one route, the policy on every method) or give '{other.RouteId}' the same {kind}.");
                }
            }
        }

        return warnings;
    }

    private static IEnumerable<(string Kind, string Policy, string Open)> Protections(RouteConfig route)
    {
        if (route.AuthorizationPolicy is { Length: > 0 } policy && !policy.Equals("Anonymous", StringComparison.OrdinalIgnoreCase))
        {
            yield return ("AuthorizationPolicy", policy, "Anonymous");
        }

        if (route.RateLimiterPolicy is { Length: > 0 } limit && !limit.Equals("Disable", StringComparison.OrdinalIgnoreCase))
        {
            yield return ("RateLimiterPolicy", limit, "Disable");
        }
    }

    private static string? Policy(RouteConfig route, string kind) => kind == "AuthorizationPolicy" ? route.AuthorizationPolicy : route.RateLimiterPolicy;

    /// <summary>Whether <paramref name="other"/> accepts a value that <paramref name="restricted"/> leaves out.</summary>
    private static bool TakesOthers(IReadOnlyList<string> restricted, IReadOnlyList<string>? other) =>
        other is not { Count: > 0 } || other.Any(o => !restricted.Contains(o, StringComparer.OrdinalIgnoreCase));

    /// <summary>Whether two lists (null or empty: anything) can both accept one value; a wildcard host may match anything.</summary>
    private static bool Overlap(IReadOnlyList<string>? a, IReadOnlyList<string>? b) =>
        a is not { Count: > 0 } || b is not { Count: > 0 } || a.Any(x => x.Contains('*') || b.Any(y => y.Contains('*') || x.Equals(y, StringComparison.OrdinalIgnoreCase)));

    /// <summary>
    /// Whether some path matches both route templates, segment by segment: a literal matches itself (any case), a
    /// parameter or a segment holding one matches any segment, a catch-all (or an optional parameter) any rest. No path
    /// matches every path.
    /// </summary>
    internal static bool PathsOverlap(string? a, string? b)
    {
        if (string.IsNullOrEmpty(a) || string.IsNullOrEmpty(b))
        {
            return true;
        }

        var left = a.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        var right = b.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; ; i++)
        {
            var leftRest = i < left.Length && IsRest(left[i]);
            var rightRest = i < right.Length && IsRest(right[i]);
            if (leftRest || rightRest || (i == left.Length && i == right.Length))
            {
                return true;
            }

            if (i == left.Length || i == right.Length)
            {
                return false;
            }

            if (!left[i].Contains('{') && !right[i].Contains('{') && !left[i].Equals(right[i], StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }
    }

    private static bool IsRest(string segment) => segment.StartsWith("{*", StringComparison.Ordinal) || segment.EndsWith("?}", StringComparison.Ordinal);
}
