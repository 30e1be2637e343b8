using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeProxy.Admin.StatusPage;
using EdgeProxy.Common;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EdgeProxy.Admin;

/// <summary>
/// <c>/status</c>: every registered <see cref="IStatusSection"/> and the <c>summary</c> verdict worked out from them, as
/// JSON for tools or as the status page for people.
/// </summary>
internal sealed class StatusReport(IEnumerable<IStatusSection> sections, HealthCheckService health, TimeProvider timeProvider, ReadinessSpells spells)
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public JsonObject Build()
    {
        var root = new JsonObject { ["generatedAt"] = timeProvider.GetUtcNow() };
        foreach (var section in sections)
        {
            root[section.Name] = section.GetStatus();
        }

        return root;
    }

    /// <summary>The sections and, last, the summary (it reads them and the readiness checks).</summary>
    public async Task<JsonObject> BuildWithSummaryAsync(CancellationToken cancellationToken)
    {
        var readiness = await health.CheckHealthAsync(check => check.Tags.Contains(AdminHealthTags.Ready), cancellationToken);
        spells.Observe(readiness);
        var status = Build();
        status["summary"] = StatusSummary.Build(status, readiness);
        return status;
    }

    internal async Task WriteAsync(HttpContext context)
    {
        var status = await BuildWithSummaryAsync(context.RequestAborted);
        context.Response.Headers.CacheControl = "no-store";
        if (PrefersHtml(context.Request))
        {
            context.Response.ContentType = "text/html; charset=utf-8";
            context.Response.Headers.ContentSecurityPolicy = StatusPageRenderer.ContentSecurityPolicy;
            await context.Response.WriteAsync(StatusPageRenderer.Render(status), context.RequestAborted);
            return;
        }

        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(status.ToJsonString(JsonOptions), context.RequestAborted);
    }

    private static bool PrefersHtml(HttpRequest request)
    {
        var accept = request.Headers.Accept.ToString();
        return accept.Contains("text/html", StringComparison.OrdinalIgnoreCase) &&
               !accept.Contains("application/json", StringComparison.OrdinalIgnoreCase);
    }
}
