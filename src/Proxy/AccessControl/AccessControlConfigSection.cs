using System.Collections.Frozen;
using EdgeProxy.Common;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Configuration;

namespace EdgeProxy.AccessControl;

/// <summary>
/// <c>EdgeProxy:AccessPolicies</c> and <c>EdgeProxy:RateLimits</c> as live sections: read and validated from every edit of
/// the file together with <c>ReverseProxy</c> (so a route naming a policy the same edit removes is refused as a whole),
/// and swapped in just before the routes.
/// </summary>
internal sealed class AccessControlConfigSection(
    EdgeProxyCommandLine command,
    AccessControlState state,
    IValidateOptions<AccessPolicyOptions> policyValidator,
    IValidateOptions<RateLimitOptions> rateLimitValidator,
    TimeProvider timeProvider) : ILiveConfigSection
{
    // YARP gives these names a meaning of its own; a policy may not take them. A route may name only the second:
    // "Anonymous" (explicitly open) and "Disable" (no limit). "Default" would be ASP.NET Core's default policy and
    // global limiter, which the proxy does not define (a route naming the default policy answered every request 500).
    private static readonly string[] ReservedPolicyNames = ["Default", AccessLoosening.Anonymous];
    private static readonly string[] ReservedRateLimitNames = ["Default", AccessLoosening.Disable];

    private readonly Dictionary<string, HtpasswdSource> _htpasswd = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public IReadOnlyList<string> SectionNames { get; } = [AccessPolicyOptions.SectionName, RateLimitOptions.SectionName];

    public ILiveConfigStage Stage(IConfiguration configuration, string file, List<string> errors)
    {
        var policies = new Dictionary<string, AccessPolicy>(StringComparer.OrdinalIgnoreCase);
        var live = state.Current;
        var htpasswd = new Dictionary<string, StagedHtpasswd>(StringComparer.Ordinal);
        foreach (var (name, key, options) in Read(configuration, AccessPolicyOptions.SectionName, file, ReservedPolicyNames, s => s.Get<AccessPolicyOptions>(), policyValidator, errors))
        {
            HtpasswdSource? users = null;
            if (options.BasicAuth is { HtpasswdFile: { } htpasswdFile })
            {
                users = GetHtpasswd(Path.GetFullPath(htpasswdFile, Path.GetDirectoryName(command.ConfigPath)!), $"{key}:BasicAuth:HtpasswdFile", htpasswd, errors);
            }

            var guard = live.Policies.TryGetValue(name, out var old) ? old.Guard : new BruteForceGuard(timeProvider);
            policies[name] = new AccessPolicy(name, options, users, guard);
        }

        var rateLimits = new Dictionary<string, RateLimitPolicy>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, _, options) in Read(configuration, RateLimitOptions.SectionName, file, ReservedRateLimitNames, s => s.Get<RateLimitOptions>(), rateLimitValidator, errors))
        {
            // An edit that keeps the numbers keeps the buckets (and so what clients have used up).
            var limiter = live.RateLimits.TryGetValue(name, out var old) && old.Limiter.PermitsPerSecond == options.PermitsPerSecond && old.Limiter.Burst == options.EffectiveBurst
                ? old.Limiter
                : new ClientIpRateLimiter(options.PermitsPerSecond, options.EffectiveBurst, timeProvider);
            rateLimits[name] = new RateLimitPolicy(name, options, limiter);
        }

        return new Staged(this, policies.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase), rateLimits.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase),
            Declared(configuration, AccessPolicyOptions.SectionName), Declared(configuration, RateLimitOptions.SectionName));
    }

    /// <summary>
    /// Each named entry of <paramref name="sectionName"/> bound and validated; errors (file and key named) go to
    /// <paramref name="errors"/> and leave the entry out. <paramref name="bind"/> is the call site's own binder call,
    /// which the configuration binder's source generator needs to see with its concrete type.
    /// </summary>
    private static IEnumerable<(string Name, string Key, T Options)> Read<T>(
        IConfiguration configuration, string sectionName, string file, string[] reserved, Func<IConfigurationSection, T?> bind, IValidateOptions<T> validator, List<string> errors)
        where T : class, new()
    {
        foreach (var section in configuration.GetSection(sectionName).GetChildren())
        {
            var key = $"{file}: {sectionName}:{section.Key}";
            T options;
            try
            {
                options = bind(section) ?? new T();
            }
            catch (InvalidOperationException ex)
            {
                errors.Add($"{key}: {ex.Message}");
                continue;
            }

            if (reserved.Contains(section.Key, StringComparer.OrdinalIgnoreCase))
            {
                errors.Add($"{key}: '{section.Key}' is reserved by YARP; choose another name");
            }

            var result = validator.Validate(section.Key, options);
            if (result.Failed)
            {
                errors.AddRange(result.Failures.Select(f => $"{file}: {f}"));
                continue;
            }

            yield return (section.Key, key, options);
        }
    }

    public RouteConfig ForYarpValidation(RouteConfig route) => Strip(route, state.Current.Policies.Keys, state.Current.RateLimits.Keys);

    /// <summary>The entry names a section declares, valid or not: a route naming an invalid one has no error of its own (its entry's error says why).</summary>
    private static FrozenSet<string> Declared(IConfiguration configuration, string sectionName) =>
        configuration.GetSection(sectionName).GetChildren().Select(c => c.Key).ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The one reader of the htpasswd file at <paramref name="path"/> for every policy of this edit that names it (and the
    /// applied one's, when the file was watched already): an edit of the file then reaches all of them at once.
    /// </summary>
    private HtpasswdSource? GetHtpasswd(string path, string key, Dictionary<string, StagedHtpasswd> staged, List<string> errors)
    {
        lock (_lock)
        {
            if (!staged.TryGetValue(path, out var entry))
            {
                // Already watched: its last good users stay in use even while the file is broken (the watcher reports it).
                var source = _htpasswd.GetValueOrDefault(path) ?? new HtpasswdSource(path, timeProvider);
                var problems = source.Refresh() ?? [];
                entry = new StagedHtpasswd(source, source.HasUsers ? [] : problems.Count > 0 ? problems : [source.LastError!]);
                staged[path] = entry;
            }

            errors.AddRange(entry.Problems.Select(p => $"{key}: {p}"));
            return entry.Source.HasUsers ? entry.Source : null;
        }
    }

    private sealed record StagedHtpasswd(HtpasswdSource Source, List<string> Problems);

    private IReadOnlyList<string> Loosening(Staged staged, IReadOnlyList<RouteConfig> routes) =>
        AccessLoosening.Find(state.Current, staged.Policies, staged.RateLimits, routes);

    private void Apply(Staged staged, IReadOnlyList<RouteConfig> routes)
    {
        lock (_lock)
        {
            foreach (var source in staged.Policies.Values.Select(p => p.Users).OfType<HtpasswdSource>())
            {
                _htpasswd[source.Path] = source;
            }
        }

        state.Apply(new AccessControlSnapshot(
            staged.Policies,
            staged.RateLimits,
            RoutesBy(routes, r => r.AuthorizationPolicy),
            RoutesBy(routes, r => r.RateLimiterPolicy)));
    }

    private static FrozenDictionary<string, string[]> RoutesBy(IReadOnlyList<RouteConfig> routes, Func<RouteConfig, string?> name) =>
        routes.Where(r => !string.IsNullOrEmpty(name(r))).GroupBy(r => name(r)!, StringComparer.OrdinalIgnoreCase)
            .ToFrozenDictionary(g => g.Key, g => g.Select(r => r.RouteId).Order(StringComparer.Ordinal).ToArray(), StringComparer.OrdinalIgnoreCase);

    private static RouteConfig Strip(RouteConfig route, IEnumerable<string> policies, IEnumerable<string> rateLimits)
    {
        if (route.AuthorizationPolicy is { } policy && policies.Contains(policy, StringComparer.OrdinalIgnoreCase))
        {
            route = route with { AuthorizationPolicy = null };
        }

        if (route.RateLimiterPolicy is { } limit && rateLimits.Contains(limit, StringComparer.OrdinalIgnoreCase))
        {
            route = route with { RateLimiterPolicy = null };
        }

        return route;
    }

    private sealed class Staged(
        AccessControlConfigSection owner,
        FrozenDictionary<string, AccessPolicy> policies,
        FrozenDictionary<string, RateLimitPolicy> rateLimits,
        FrozenSet<string> declaredPolicies,
        FrozenSet<string> declaredRateLimits) : ILiveConfigStage
    {
        public FrozenDictionary<string, AccessPolicy> Policies => policies;

        public FrozenDictionary<string, RateLimitPolicy> RateLimits => rateLimits;

        public void ValidateRoute(RouteConfig route, string routeKey, List<string> errors)
        {
            // Judged against the names the edit declares: a policy that is itself invalid has its own error, and a
            // second one on every route naming it would only mislead.
            if (route.AuthorizationPolicy is { Length: > 0 } policy && !policy.Equals(AccessLoosening.Anonymous, StringComparison.OrdinalIgnoreCase) && !declaredPolicies.Contains(policy))
            {
                errors.Add($"{routeKey}:AuthorizationPolicy: no access policy '{policy}' in {AccessPolicyOptions.SectionName} ({StrictConfigCheck.KnownNames(declaredPolicies)}); name one of them, or '{AccessLoosening.Anonymous}' for a route open to everyone");
            }

            if (route.RateLimiterPolicy is { Length: > 0 } limit && !limit.Equals(AccessLoosening.Disable, StringComparison.OrdinalIgnoreCase) && !declaredRateLimits.Contains(limit))
            {
                errors.Add($"{routeKey}:RateLimiterPolicy: no rate limit '{limit}' in {RateLimitOptions.SectionName} ({StrictConfigCheck.KnownNames(declaredRateLimits)}); name one of them, or '{AccessLoosening.Disable}' for none");
            }
        }

        /// <summary>
        /// Every name but YARP's own <c>Anonymous</c>/<c>Disable</c> is judged by <see cref="ValidateRoute"/>: YARP would
        /// only repeat an unknown name's error, in its own words.
        /// </summary>
        public RouteConfig ForYarpValidation(RouteConfig route) => route with
        {
            AuthorizationPolicy = string.Equals(route.AuthorizationPolicy, AccessLoosening.Anonymous, StringComparison.OrdinalIgnoreCase) ? route.AuthorizationPolicy : null,
            RateLimiterPolicy = string.Equals(route.RateLimiterPolicy, AccessLoosening.Disable, StringComparison.OrdinalIgnoreCase) ? route.RateLimiterPolicy : null,
        };

        public void Apply(IReadOnlyList<RouteConfig> routes) => owner.Apply(this, routes);

        public IReadOnlyList<string> Loosening(IReadOnlyList<RouteConfig> routes) => owner.Loosening(this, routes);
    }
}
