using System.Collections.Frozen;

namespace EdgeProxy.AccessControl;

/// <summary>One applied version of <c>EdgeProxy:AccessPolicies</c> and <c>EdgeProxy:RateLimits</c>, with the routes naming each.</summary>
internal sealed class AccessControlSnapshot(
    FrozenDictionary<string, AccessPolicy> policies,
    FrozenDictionary<string, RateLimitPolicy> rateLimits,
    FrozenDictionary<string, string[]> policyRoutes,
    FrozenDictionary<string, string[]> rateLimitRoutes)
{
    public static AccessControlSnapshot Empty { get; } = new(
        FrozenDictionary<string, AccessPolicy>.Empty, FrozenDictionary<string, RateLimitPolicy>.Empty,
        FrozenDictionary<string, string[]>.Empty, FrozenDictionary<string, string[]>.Empty);

    public FrozenDictionary<string, AccessPolicy> Policies { get; } = policies;

    public FrozenDictionary<string, RateLimitPolicy> RateLimits { get; } = rateLimits;

    public FrozenDictionary<string, string[]> PolicyRoutes { get; } = policyRoutes;

    public FrozenDictionary<string, string[]> RateLimitRoutes { get; } = rateLimitRoutes;

    /// <summary>
    /// The version before this one. Policies and routes swap one after the other: for that moment a request matched by
    /// a route of the old version may name a policy only the old version has.
    /// </summary>
    public AccessControlSnapshot? Previous { get; set; }
}

/// <summary>The live version; readers never lock.</summary>
internal sealed class AccessControlState
{
    private volatile AccessControlSnapshot _current = AccessControlSnapshot.Empty;

    public AccessControlSnapshot Current => _current;

    public event Action? Applied;

    public void Apply(AccessControlSnapshot next)
    {
        var previous = _current;
        previous.Previous = null;
        next.Previous = previous;
        _current = next;
        Applied?.Invoke();
    }

    public AccessPolicy? FindPolicy(string name)
    {
        var current = _current;
        return current.Policies.TryGetValue(name, out var policy) || (current.Previous?.Policies.TryGetValue(name, out policy) ?? false) ? policy : null;
    }

    public RateLimitPolicy? FindRateLimit(string name)
    {
        var current = _current;
        return current.RateLimits.TryGetValue(name, out var limit) || (current.Previous?.RateLimits.TryGetValue(name, out limit) ?? false) ? limit : null;
    }

    /// <summary>Every htpasswd file the live policies read (policies naming one file share its reader).</summary>
    public IEnumerable<HtpasswdSource> HtpasswdSources =>
        _current.Policies.Values.Select(p => p.Users).OfType<HtpasswdSource>().Distinct();
}
