using EdgeProxy.Middleware.ClientIp;
using Microsoft.AspNetCore.Authorization;

namespace EdgeProxy.AccessControl;

/// <summary>An access policy ready for the request path: parsed networks, its htpasswd users, its brute-force guard.</summary>
internal sealed class AccessPolicy
{
    public AccessPolicy(string name, AccessPolicyOptions options, HtpasswdSource? users, BruteForceGuard guard)
    {
        Name = name;
        Options = options;
        Allow = options.AllowFrom.Count == 0 ? null : AccessPolicyOptionsValidator.ToSet(options.AllowFrom, $"{name}:AllowFrom");
        Deny = AccessPolicyOptionsValidator.ToSet(options.DenyFrom, $"{name}:DenyFrom");
        Users = users;
        Guard = guard;
        Challenge = options.BasicAuth is { } basic ? $"Basic realm=\"{basic.Realm}\", charset=\"UTF-8\"" : null;
        AuthorizationPolicy = new AuthorizationPolicy([new AccessPolicyRequirement(name)], []);
    }

    public string Name { get; }

    public AccessPolicyOptions Options { get; }

    /// <summary>Null: anyone (no <c>AllowFrom</c>).</summary>
    public TrustedNetworkSet? Allow { get; }

    public TrustedNetworkSet Deny { get; }

    public HtpasswdSource? Users { get; }

    public BruteForceGuard Guard { get; }

    /// <summary>The <c>WWW-Authenticate</c> value, when the policy asks for a password.</summary>
    public string? Challenge { get; }

    /// <summary>What ASP.NET Core's authorization middleware evaluates for a route naming this policy.</summary>
    public AuthorizationPolicy AuthorizationPolicy { get; }
}

/// <summary>Met when the named access policy lets the request in (see <see cref="AccessPolicyHandler"/>).</summary>
internal sealed record AccessPolicyRequirement(string PolicyName) : IAuthorizationRequirement;

/// <summary>A rate limit ready for the request path.</summary>
internal sealed record RateLimitPolicy(string Name, RateLimitOptions Options, ClientIpRateLimiter Limiter);
