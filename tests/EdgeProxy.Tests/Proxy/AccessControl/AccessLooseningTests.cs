using System.Collections.Frozen;
using EdgeProxy.AccessControl;
using Microsoft.Extensions.Time.Testing;
using Yarp.ReverseProxy.Configuration;

namespace EdgeProxy.Tests.Proxy.AccessControl;

/// <summary>Which edits weaken a route's access policy or rate limit (<see cref="AccessLoosening"/>).</summary>
public sealed class AccessLooseningTests
{
    private readonly FakeTimeProvider _clock = new();

    private AccessPolicy Policy(string name, string[]? allow = null, string[]? deny = null, bool basicAuth = false, AccessSatisfy satisfy = AccessSatisfy.All) =>
        new(name, new AccessPolicyOptions
        {
            AllowFrom = [.. allow ?? []],
            DenyFrom = [.. deny ?? []],
            BasicAuth = basicAuth ? new BasicAuthOptions() : null,
            Satisfy = satisfy,
        }, null, new BruteForceGuard(_clock));

    private RateLimitPolicy Limit(string name, double permits, int? burst = null) =>
        new(name, new RateLimitOptions { PermitsPerSecond = permits, Burst = burst }, new ClientIpRateLimiter(permits, burst ?? 1, _clock));

    private static RouteConfig Route(string? policy, string? limit = null) => new() { RouteId = "admin", ClusterId = "main", AuthorizationPolicy = policy, RateLimiterPolicy = limit };

    private static AccessControlSnapshot Before(AccessPolicy? policy, RateLimitPolicy? limit = null) => new(
        (policy is null ? [] : new[] { policy }).ToFrozenDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase),
        (limit is null ? [] : new[] { limit }).ToFrozenDictionary(l => l.Name, StringComparer.OrdinalIgnoreCase),
        (policy is null ? [] : new[] { policy }).ToFrozenDictionary(p => p.Name, _ => new[] { "admin" }, StringComparer.OrdinalIgnoreCase),
        (limit is null ? [] : new[] { limit }).ToFrozenDictionary(l => l.Name, _ => new[] { "admin" }, StringComparer.OrdinalIgnoreCase));

    private static IReadOnlyList<string> Find(AccessControlSnapshot before, RouteConfig route, AccessPolicy? policy = null, RateLimitPolicy? limit = null) =>
        AccessLoosening.Find(
            before,
            (policy is null ? [] : new[] { policy }).ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase),
            (limit is null ? [] : new[] { limit }).ToDictionary(l => l.Name, StringComparer.OrdinalIgnoreCase),
            [route]);

    [Fact]
    public void A_policy_removed_from_a_route_or_replaced_by_Anonymous_is_loosening()
    {
        var before = Before(Policy("p", allow: ["10.0.0.0/8"]));

        Assert.Equal(["route 'admin': access policy 'p' removed; the route is open to every address"], Find(before, Route(null), Policy("p", allow: ["10.0.0.0/8"])));
        Assert.Equal(["route 'admin': access policy 'p' replaced by Anonymous; the route is open to every address"], Find(before, Route("Anonymous")));
    }

    [Fact]
    public void Allowing_more_denying_less_dropping_basic_auth_or_satisfying_any_is_loosening()
    {
        var before = Before(Policy("p", allow: ["10.1.0.0/16"], deny: ["10.1.2.0/24", "10.1.3.0/24"], basicAuth: true));

        var changes = Find(before, Route("p"), Policy("p", allow: ["10.0.0.0/8"], deny: ["10.1.2.0/24"], satisfy: AccessSatisfy.Any));

        Assert.Equal(
        [
            "route 'admin': access policy 'p': AllowFrom now also allows 10.0.0.0/8",
            "route 'admin': access policy 'p': DenyFrom no longer denies 10.1.3.0/24",
            "route 'admin': access policy 'p': BasicAuth removed",
            "route 'admin': access policy 'p': Satisfy changed from All to Any",
        ], changes);
        Assert.Equal(["route 'admin': access policy 'p': AllowFrom removed; every address is allowed"], Find(before, Route("p"), Policy("p", deny: ["10.1.0.0/16"], basicAuth: true)));
    }

    [Fact]
    public void Narrowing_or_keeping_a_policy_is_not_loosening_and_a_route_switching_policy_is_compared_with_the_new_one()
    {
        var before = Before(Policy("p", allow: ["10.0.0.0/8", "192.0.2.0/24"], deny: ["10.1.0.0/16"]));

        Assert.Empty(Find(before, Route("p"), Policy("p", allow: ["10.2.0.0/16"], deny: ["10.0.0.0/9"], basicAuth: true)));
        Assert.Equal(["route 'admin': access policy 'p' (now 'q'): AllowFrom now also allows 198.51.100.0/24"],
            Find(before, Route("q"), Policy("q", allow: ["10.0.0.0/8", "198.51.100.0/24"], deny: ["10.1.0.0/16"])));
    }

    [Fact]
    public void A_rate_limit_removed_disabled_or_raised_is_loosening()
    {
        var before = Before(null, Limit("api", 5, 10));

        Assert.Equal(["route 'admin': rate limit 'api' removed"], Find(before, Route(null)));
        Assert.Equal(["route 'admin': rate limit 'api' removed"], Find(before, Route(null, "Disable")));
        Assert.Equal(["route 'admin': rate limit 'api' raised from 5/s (burst 10) to 50/s (burst 10)"], Find(before, Route(null, "api"), limit: Limit("api", 50, 10)));
        Assert.Empty(Find(before, Route(null, "api"), limit: Limit("api", 5, 5)));
    }
}
