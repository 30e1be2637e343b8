using System.Text.Json.Nodes;
using EdgeProxy.Cloudflare;
using EdgeProxy.Middleware;
using EdgeProxy.Middleware.ClientIp;

namespace EdgeProxy.ClientIp;

/// <summary><c>GET /trust?ip=A</c>: would a peer at A be allowed to state the client IP, and which range or rule decides.</summary>
internal sealed class TrustEndpoint(TrustedNetworkRegistry registry, CloudflareRangeRefresher cloudflare)
{
    public Task HandleAsync(HttpContext context)
    {
        var text = context.Request.Query["ip"].ToString();
        JsonObject answer;
        if (!IPAddress.TryParse(text, out var address) || text.Contains('/'))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            answer = new JsonObject { ["error"] = $"'{text}' is not an IP address; use /trust?ip=203.0.113.7" };
        }
        else
        {
            var normalized = address.Unmapped();
            var set = registry.Current;
            var match = set.Explain(normalized);
            answer = new JsonObject
            {
                ["ip"] = normalized.ToString(),
                ["trusted"] = set.Contains(normalized),
                ["rule"] = match?.Source,
                ["network"] = match?.Network.ToString(),
                ["source"] = match?.Source == CloudflareTrustOptions.Source ? cloudflare.Current.Origin.ToString().ToLowerInvariant() : null,
                ["reason"] = match is null
                    ? "not inside any trusted network: its client-IP header is ignored and it is the client"
                    : "inside a trusted network: a single well-formed client-IP header from it is believed",
            };
        }

        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(answer.ToJsonString(), context.RequestAborted);
    }
}
