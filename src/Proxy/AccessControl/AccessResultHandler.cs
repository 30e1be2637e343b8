using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace EdgeProxy.AccessControl;

/// <summary>
/// Answers a refusal by an access policy itself: 403 for the client IP, 401 with the realm's challenge for missing or
/// wrong credentials, 429 with <c>Retry-After</c> for a locked-out client, each with a one-line <c>text/plain</c> body
/// (an operator's curl says why without the log; nothing about the policy's contents is revealed). Anything else goes
/// to ASP.NET Core's handler.
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
                response.Headers.WWWAuthenticate = refusal.Policy.Challenge;
                return WriteTextAsync(response, StatusCodes.Status401Unauthorized, "Unauthorized: this address needs a valid user name and password.");
            case AccessRefusalReason.BruteForce:
                var retryAfter = RetryAfter(refusal.RetryAfter);
                response.Headers.RetryAfter = retryAfter;
                return WriteTextAsync(response, StatusCodes.Status429TooManyRequests, $"Too many requests: too many wrong passwords from this client; retry after {retryAfter} seconds.");
            default:
                return WriteTextAsync(response, StatusCodes.Status403Forbidden, "Forbidden: access from this client address is not allowed.");
        }
    }

    /// <summary>The status and a one-line plain-text body saying what happened.</summary>
    internal static Task WriteTextAsync(HttpResponse response, int status, string text)
    {
        response.StatusCode = status;
        response.ContentType = "text/plain; charset=utf-8";
        return response.WriteAsync(text + "\n");
    }

    internal static string RetryAfter(TimeSpan? wait) =>
        Math.Max(1, (int)Math.Ceiling((wait ?? TimeSpan.FromSeconds(1)).TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}
