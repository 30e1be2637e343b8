using EdgeProxy.ReverseProxy;
using Yarp.ReverseProxy.Configuration;

namespace EdgeProxy.Tests.Proxy.ReverseProxy;

/// <summary>Protected routes that another route walks around for other methods or hosts.</summary>
public sealed class ShadowedPoliciesTests
{
    private static RouteConfig Route(string id, string? path, string? policy = null, string[]? methods = null, string[]? hosts = null, string? rateLimit = null) => new()
    {
        RouteId = id,
        ClusterId = "c",
        AuthorizationPolicy = policy,
        RateLimiterPolicy = rateLimit,
        Match = new RouteMatch { Path = path, Methods = methods, Hosts = hosts },
    };

    [Fact]
    public void A_policy_limited_to_some_methods_beside_an_open_catch_all_is_reported_naming_both_routes()
    {
        var warning = Assert.Single(ShadowedPolicies.Find([Route("private", "/private/{**r}", "p", methods: ["GET", "POST"]), Route("all", "{**catch-all}")]));

        Assert.Contains("ReverseProxy:Routes:private", warning);
        Assert.Contains("'all'", warning);
        Assert.Contains("Methods [GET, POST]", warning);
        Assert.Contains("other methods", warning);
    }

    [Fact]
    public void Hosts_and_rate_limits_and_a_different_policy_are_reported_too()
    {
        Assert.Contains("other hosts", Assert.Single(ShadowedPolicies.Find([Route("admin", "{**r}", "p", hosts: ["admin.example.com"]), Route("all", "/{**r}")])));
        Assert.Contains("RateLimiterPolicy 'api'", Assert.Single(ShadowedPolicies.Find([Route("api", "/api/{id}", rateLimit: "api", methods: ["POST"]), Route("other", "/api/{**r}", rateLimit: "Disable")])));
        Assert.Contains("AuthorizationPolicy 'q'", Assert.Single(ShadowedPolicies.Find([Route("a", "/a/{**r}", "p", methods: ["GET"]), Route("b", "/a/x", "q")])));
    }

    [Fact]
    public void What_holds_is_not_reported()
    {
        // No Methods/Hosts on the protected route (nginx limit_except done right), the same policy on the other route,
        // paths that never meet, or a route that takes only the methods the protected one has.
        Assert.Empty(ShadowedPolicies.Find([Route("private", "/private/{**r}", "p"), Route("all", "{**catch-all}")]));
        Assert.Empty(ShadowedPolicies.Find([Route("private", "/private/{**r}", "p", methods: ["GET"]), Route("all", "{**catch-all}", "P")]));
        Assert.Empty(ShadowedPolicies.Find([Route("private", "/private/{**r}", "p", methods: ["GET"]), Route("public", "/public/{**r}")]));
        Assert.Empty(ShadowedPolicies.Find([Route("private", "/private/{**r}", "p", methods: ["GET", "HEAD"]), Route("get", "/private/x", methods: ["get"])]));
        Assert.Empty(ShadowedPolicies.Find([Route("open", "/o/{**r}", "Anonymous", methods: ["GET"]), Route("all", "{**catch-all}")]));
    }

    [Theory]
    [InlineData("/a/{**r}", "{**catch-all}", true)]
    [InlineData("/a/b", "/a/{id}", true)]
    [InlineData("/A/b", "/a/b/", true)]
    [InlineData("/a", "/a/{**r}", true)]
    [InlineData("/a/{id?}", "/a", true)]
    [InlineData("/a/b", "/a/c", false)]
    [InlineData("/a/b", "/a", false)]
    [InlineData("/a/{x}", "/b/{**r}", false)]
    [InlineData(null, "/x", true)]
    public void Paths_overlap_when_one_request_path_matches_both(string? a, string? b, bool expected)
    {
        Assert.Equal(expected, ShadowedPolicies.PathsOverlap(a, b));
        Assert.Equal(expected, ShadowedPolicies.PathsOverlap(b, a));
    }
}
