using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace EdgeProxy.AccessControl;

/// <summary>
/// Answers a refusal by an access policy itself: 403 for the client IP, 401 with the realm's challenge for missing or
/// wrong credentials, 429 with <c>Retry-After</c> for a locked-out client. Anything else goes to ASP.NET Core's handler.
/// </summary>
internal sealed class AccessResultHandler(AccessControlCounters counters) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Succeeded || context.Features.Get<AccessRefusal>() is not { } refusal)
        {
            return _default.HandleAsync(next, context, policy, authorizeResult);
        }

        counters.Count(refusal.Policy.Name, refusal.Reason);
        var response = context.Response;
        switch (refusal.Reason)
        {
            case AccessRefusalReason.Credentials:
                response.StatusCode = StatusCodes.Status401Unauthorized;
                response.Headers.WWWAuthenticate = refusal.Policy.Challenge;
                break;
            case AccessRefusalReason.BruteForce:
                response.StatusCode = StatusCodes.Status429TooManyRequests;
                response.Headers.RetryAfter = RetryAfter(refusal.RetryAfter);
                break;
            default:
                response.StatusCode = StatusCodes.Status403Forbidden;
                break;
        }

        return Task.CompletedTask;
    }

    internal static string RetryAfter(TimeSpan? wait) =>
        Math.Max(1, (int)Math.Ceiling((wait ?? TimeSpan.FromSeconds(1)).TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}
