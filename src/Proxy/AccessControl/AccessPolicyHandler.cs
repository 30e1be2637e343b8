using EdgeProxy.Common;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Net.Http.Headers;

namespace EdgeProxy.AccessControl;

/// <summary>
/// Judges a request against its route's access policy on the restored client IP (<c>RemoteIpAddress</c> after the
/// client-IP middleware): deny list, allow list, htpasswd password, brute-force lockout, <c>Satisfy</c>.
/// </summary>
internal sealed partial class AccessPolicyHandler(AccessControlState state, ClientKey clientKey, ILogger<AccessPolicyHandler> logger) : AuthorizationHandler<AccessPolicyRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, AccessPolicyRequirement requirement)
    {
        if (context.Resource is not HttpContext http || state.FindPolicy(requirement.PolicyName) is not { } policy)
        {
            context.Fail();
            return;
        }

        var refusal = await JudgeAsync(http, policy, clientKey);
        if (refusal is null)
        {
            if (policy.Options.BasicAuth is { ForwardCredentials: false })
            {
                http.Request.Headers.Authorization = default;
            }

            context.Succeed(requirement);
            return;
        }

        if (refusal.LockedOut)
        {
            LogLockedOut(http.Connection.RemoteIpAddress?.ToString() ?? "unknown", policy.Name, policy.Options.BasicAuth!.MaxFailuresPerMinute);
        }

        http.Features.Set(refusal);
        context.Fail(new AuthorizationFailureReason(this, refusal.Reason.Label()));
    }

    internal static async ValueTask<AccessRefusal?> JudgeAsync(HttpContext http, AccessPolicy policy, ClientKey clientKey)
    {
        var client = http.Connection.RemoteIpAddress;
        if (client is null || policy.Deny.Contains(client))
        {
            return new AccessRefusal(policy, AccessRefusalReason.Ip);
        }

        var ipAllowed = policy.Allow?.Contains(client) ?? true;
        if (policy.Users is not { } users)
        {
            return ipAllowed ? null : new AccessRefusal(policy, AccessRefusalReason.Ip);
        }

        var any = policy.Options.Satisfy == AccessSatisfy.Any;
        if (ipAllowed && any)
        {
            return null;
        }

        if (!ipAllowed && !any)
        {
            return new AccessRefusal(policy, AccessRefusalReason.Ip);
        }

        var maxFailures = policy.Options.BasicAuth!.MaxFailuresPerMinute;
        var key = clientKey.From(client);
        if (policy.Guard.LockedFor(key, maxFailures) is { } lockedFor)
        {
            return new AccessRefusal(policy, AccessRefusalReason.BruteForce, lockedFor);
        }

        using var turn = await policy.Guard.TakeTurnAsync(key);
        if (turn is null)
        {
            return new AccessRefusal(policy, AccessRefusalReason.BruteForce, BusyRetryAfter);
        }

        // Judged again: the attempts this one waited for are counted now.
        if (policy.Guard.LockedFor(key, maxFailures) is { } lockedSince)
        {
            return new AccessRefusal(policy, AccessRefusalReason.BruteForce, lockedSince);
        }

        var result = await users.AuthenticateAsync(http.Request.Headers[HeaderNames.Authorization]);
        switch (result.Outcome)
        {
            case BasicAuthOutcome.Ok:
                http.User = result.Principal!;
                return null;
            case BasicAuthOutcome.Wrong:
                var lockedOut = policy.Guard.RecordFailure(key, maxFailures);
                return new AccessRefusal(policy, AccessRefusalReason.Credentials) { LockedOut = lockedOut };
            case BasicAuthOutcome.Busy:
                return new AccessRefusal(policy, AccessRefusalReason.BruteForce, BusyRetryAfter);
            default:
                return new AccessRefusal(policy, AccessRefusalReason.Credentials);
        }
    }

    /// <summary>Retry-After for an attempt refused because too many password checks already wait.</summary>
    private static readonly TimeSpan BusyRetryAfter = TimeSpan.FromSeconds(1);

    [LoggerMessage(EventId = EventIds.AccessLockedOut, EventName = "AccessLockedOut", Level = LogLevel.Warning,
        Message = "Client {Client} locked out by access policy {Policy}: more than {MaxFailures} wrong passwords within a minute; refused with 429 until the minute has passed")]
    private partial void LogLockedOut(string client, string policy, int maxFailures);
}
