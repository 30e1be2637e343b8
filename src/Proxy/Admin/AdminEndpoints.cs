using System.Text;
using EdgeProxy.Admin.StatusPage;
using EdgeProxy.Common;
using EdgeProxy.Metrics;
using EdgeProxy.Middleware.ClientIp;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace EdgeProxy.Admin;

/// <summary>
/// The admin listener's whole surface. A path switch rather than endpoint routing: the admin branch must stay out of
/// the application's global route table, which holds the public proxy routes. Anything else is 404, never proxied.
/// </summary>
internal sealed partial class AdminEndpoints(
    HealthCheckService health,
    StatusReport status,
    ProxyMetrics metrics,
    IEnumerable<IMetricsPublisher> metricsPublishers,
    IEnumerable<AdminRoute> featureRoutes,
    IOptions<AdminOptions> options,
    ReadinessSpells spells,
    AdminWriteAccess writeAccess,
    ILogger<AdminEndpoints> logger)
{
    private readonly Dictionary<string, Func<HttpContext, Task>> _featureRoutes = featureRoutes.Where(r => !r.Prefix).ToDictionary(r => r.Path, r => r.Handler, StringComparer.OrdinalIgnoreCase);
    private readonly AdminRoute[] _prefixRoutes = [.. featureRoutes.Where(r => r.Prefix)];

    // The TCP peer, never a header: the admin branch runs before client-IP restoration.
    private readonly TrustedNetworkSet _allowed = new(options.Value.EffectiveAllowFrom
        .Select(text => CidrParser.TryParse(text, null, out var network, out _) ? new TrustedNetwork(network, AdminOptions.SectionName + ":AllowFrom") : null)
        .OfType<TrustedNetwork>());

    public Task HandleAsync(HttpContext context)
    {
        if (context.Connection.RemoteIpAddress is not { } peer || !_allowed.Contains(peer))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            context.Response.ContentType = "text/plain; charset=utf-8";
            return context.Response.WriteAsync("403 Forbidden: this address may not use the admin listener (EdgeProxy:Admin:AllowFrom).\n", context.RequestAborted);
        }

        var path = context.Request.Path;
        if (path.StartsWithSegments("/whoami"))
        {
            return WhoamiResponse.WriteAsync(context);
        }

        var read = HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method);
        foreach (var route in _prefixRoutes)
        {
            if (path.StartsWithSegments(route.Path))
            {
                return read || writeAccess.Check(context) is not { } refusal ? route.Handler(context) : WriteRefusalAsync(context, refusal.Status, refusal.Reason);
            }
        }

        if (!read)
        {
            return WriteNotFoundAsync(context);
        }

        return path.Value switch
        {
            "/healthz" => WriteHealthAsync(context, AdminHealthTags.Live),
            "/readyz" => WriteHealthAsync(context, AdminHealthTags.Ready),
            "/metrics" => metrics.WriteAsync(context, metricsPublishers),
            "/status" => status.WriteAsync(context),
            StatusPageAssets.ScriptPath => StatusPageAssets.WriteScriptAsync(context),
            StatusPageAssets.StylePath => StatusPageAssets.WriteStyleAsync(context),
            "/" => WriteIndexAsync(context),
            { } other when _featureRoutes.TryGetValue(other, out var handler) => handler(context),
            _ => WriteNotFoundAsync(context),
        };
    }

    private async Task WriteHealthAsync(HttpContext context, string tag)
    {
        var report = await health.CheckHealthAsync(check => check.Tags.Contains(tag), context.RequestAborted);
        if (tag == AdminHealthTags.Ready)
        {
            spells.Observe(report);
        }

        var text = new StringBuilder().Append(report.Status).Append('\n');
        foreach (var (name, entry) in report.Entries)
        {
            text.Append(name).Append(": ").Append(entry.Status);
            if (entry.Description is { } description)
            {
                text.Append(" - ").Append(description);
            }

            text.Append('\n');
        }

        context.Response.StatusCode = report.Status == HealthStatus.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.WriteAsync(text.ToString(), context.RequestAborted);
    }

    private Task WriteRefusalAsync(HttpContext context, int status, string reason)
    {
        LogWriteRefused(context.Request.Method, context.Request.Path.Value ?? "", context.Connection.RemoteIpAddress?.ToString() ?? "unknown", status, reason);
        context.Response.StatusCode = status;
        if (status == StatusCodes.Status401Unauthorized && writeAccess.TokenRequired)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer realm=\"EdgeProxy admin\"";
        }

        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync($"{status} {ReasonPhrases.GetReasonPhrase(status)}: {reason}.\n", context.RequestAborted);
    }

    private static Task WriteNotFoundAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }

    private Task WriteIndexAsync(HttpContext context)
    {
        context.Response.ContentType = "text/plain; charset=utf-8";
        var paths = string.Join(' ', ["/healthz", "/readyz", "/metrics", "/status", "/whoami", .. _featureRoutes.Keys, .. _prefixRoutes.Select(r => r.Path)]);
        return context.Response.WriteAsync($"EdgeProxy admin: {paths}\n", context.RequestAborted);
    }

    [LoggerMessage(EventId = EventIds.AdminWriteRefused, EventName = "AdminWriteRefused", Level = LogLevel.Warning,
        Message = "Refused {Method} {Path} from {Peer} on the admin listener with {Status}: {Reason}")]
    private partial void LogWriteRefused(string method, string path, string peer, int status, string reason);
}
