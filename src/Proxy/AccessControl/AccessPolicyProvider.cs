using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace EdgeProxy.AccessControl;

/// <summary>
/// ASP.NET Core's policy lookup backed by the live access policies, so that a policy added by an edit is found by the
/// authorization middleware (and by YARP's validator) without a restart. Other names go to the default provider.
/// </summary>
internal sealed class AccessPolicyProvider(AccessControlState state, IOptions<AuthorizationOptions> options) : IAuthorizationPolicyProvider
{
    private readonly DefaultAuthorizationPolicyProvider _fallback = new(options);

    // The middleware caches a route's combined policy for the life of its endpoint (YARP makes new endpoints when routes
    // change). Safe here: our policy only names the access policy, whose live version the handler looks up per request.
    public bool AllowsCachingPolicies => true;

    public Task<AuthorizationPolicy?> GetPolicyAsync(string policyName) =>
        state.FindPolicy(policyName) is { } policy ? Task.FromResult<AuthorizationPolicy?>(policy.AuthorizationPolicy) : _fallback.GetPolicyAsync(policyName);

    public Task<AuthorizationPolicy> GetDefaultPolicyAsync() => _fallback.GetDefaultPolicyAsync();

    public Task<AuthorizationPolicy?> GetFallbackPolicyAsync() => _fallback.GetFallbackPolicyAsync();
}
