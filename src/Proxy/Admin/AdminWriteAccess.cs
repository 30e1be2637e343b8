using System.Security.Cryptography;
using System.Text;
using EdgeProxy.Middleware;
using Microsoft.Extensions.Options;

namespace EdgeProxy.Admin;

/// <summary>
/// Who may change something through the admin listener (on top of <c>AllowFrom</c>, checked before): the bearer of
/// <c>EdgeProxy:Admin:Token</c>, or, when no token is configured, any loopback peer. A request a browser sends on behalf
/// of another site (an <c>Origin</c> other than the admin listener's own) is refused either way, so that a page on the
/// operator's machine cannot drain destinations through the loopback rule.
/// </summary>
internal sealed class AdminWriteAccess(IOptions<AdminOptions> options)
{
    // Hashes compared, so the comparison takes the same time whatever the length or content of the guess.
    private readonly byte[]? _tokenHash = string.IsNullOrEmpty(options.Value.Token) ? null : SHA256.HashData(Encoding.UTF8.GetBytes(options.Value.Token));

    public bool TokenRequired => _tokenHash is not null;

    /// <summary>Null when the write may go ahead, else the status code and the reason.</summary>
    public (int Status, string Reason)? Check(HttpContext context)
    {
        var origin = context.Request.Headers.Origin.ToString();
        // Host and port only: behind a TLS-terminating tunnel the page's origin is https while the listener is http.
        if (origin.Length > 0 && !(Uri.TryCreate(origin, UriKind.Absolute, out var page) && string.Equals(page.Authority, context.Request.Host.Value, StringComparison.OrdinalIgnoreCase)))
        {
            return (StatusCodes.Status403Forbidden, $"a write from another origin ({origin}) is refused");
        }

        if (_tokenHash is null)
        {
            if (context.Connection.RemoteIpAddress is not { } peer || !IPAddress.IsLoopback(peer.Unmapped()))
            {
                return (StatusCodes.Status401Unauthorized, "without EdgeProxy:Admin:Token, writes are accepted from loopback only");
            }

            // DNS rebinding: a page on attacker.example whose name now resolves to 127.0.0.1 sends a matching Host and
            // Origin from loopback. Without a token, a write must name the listener by address or as localhost.
            var host = context.Request.Host.Host;
            if (!IPAddress.TryParse(host.Trim('[', ']'), out _) && !string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
            {
                return (StatusCodes.Status401Unauthorized, $"without EdgeProxy:Admin:Token, a write must address the admin listener by IP address or as localhost, not as {host}");
            }

            return null;
        }

        var header = context.Request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return (StatusCodes.Status401Unauthorized, "this write needs the admin token: Authorization: Bearer <EdgeProxy:Admin:Token>");
        }

        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(header.AsSpan(scheme.Length).Trim().ToString()));
        return CryptographicOperations.FixedTimeEquals(presented, _tokenHash)
            ? null
            : (StatusCodes.Status401Unauthorized, "wrong admin token");
    }
}
