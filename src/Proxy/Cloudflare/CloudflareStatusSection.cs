using System.Text.Json.Nodes;
using EdgeProxy.Common;
using Microsoft.Extensions.Options;

namespace EdgeProxy.Cloudflare;

/// <summary>The <c>cloudflare</c> section of <c>/status</c>: which list is live, how old it is, and what the last refresh did.</summary>
internal sealed class CloudflareStatusSection(CloudflareRangeRefresher refresher, IOptions<CloudflareOptions> options, TimeProvider timeProvider) : IStatusSection
{
    public string Name => "cloudflare";

    public JsonObject GetStatus()
    {
        var list = refresher.Current;
        var state = refresher.State;
        return new JsonObject
        {
            ["trusted"] = refresher.Enabled,
            ["origin"] = list.Origin.ToString().ToLowerInvariant(),
            ["count"] = list.Ranges.Count,
            ["confirmedAt"] = list.ConfirmedAt,
            ["ageSeconds"] = Math.Round((timeProvider.GetUtcNow() - list.ConfirmedAt).TotalSeconds),
            ["stale"] = refresher.Enabled && options.Value.IsStale(list, timeProvider.GetUtcNow()),
            ["sources"] = StatusJson.Array(refresher.Sources, source =>
            {
                var answer = list.Sources.FirstOrDefault(a => a.Url == source.Url.ToString());
                return new JsonObject
                {
                    ["url"] = source.Url.ToString(),
                    ["etag"] = answer?.ETag,
                    ["apiEtag"] = answer?.ApiEtag,
                    ["lastModified"] = answer?.LastModified,
                    ["count"] = answer?.Ranges.Count,
                };
            }),
            ["lastAttemptAt"] = state.LastAttemptAt,
            ["lastSuccessAt"] = state.LastSuccessAt,
            ["lastErrorAt"] = state.LastErrorAt,
            ["lastError"] = state.LastError is { } error ? new JsonObject { ["reason"] = error.Reason, ["message"] = error.Message } : null,
            ["consecutiveFailures"] = state.ConsecutiveFailures,
            ["nextAttemptAt"] = state.NextAttemptAt,
            ["cacheFile"] = refresher.CacheFile,
            ["cacheProblem"] = state.CacheProblem,
        };
    }
}
