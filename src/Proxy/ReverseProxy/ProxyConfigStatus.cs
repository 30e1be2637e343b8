using System.Text.Json.Nodes;
using EdgeProxy.Common;

namespace EdgeProxy.ReverseProxy;

/// <summary>What the running routes came from and what happened to the latest edit; the <c>config</c> section of <c>/status</c>.</summary>
internal sealed class ProxyConfigStatus(EdgeProxyCommandLine command, RestartRequiredDetector restartRequired) : IStatusSection
{
    private volatile Snapshot _state = new(null, null, 0, 0, null, [], 0, 0, []);

    public string Name => "config";

    public int RouteCount => _state.Routes;

    internal void RecordApplied(ProxyConfigLoadResult result, DateTimeOffset now)
    {
        var s = _state;
        _state = s with { AppliedAt = now, Summary = result.Summary, Routes = result.Routes.Count, Clusters = result.Clusters.Count, Applied = s.Applied + 1, LastErrors = [], Warnings = result.Warnings };
    }

    internal void RecordLoosened(IReadOnlyList<string> changes, DateTimeOffset now)
    {
        if (changes.Count > 0)
        {
            var s = _state;
            _state = s with { Loosened = [.. s.Loosened, .. changes.Select(change => $"{now:u} {change}")] };
        }
    }

    internal void RecordRejected(IReadOnlyList<string> errors, DateTimeOffset now)
    {
        var s = _state;
        _state = s with { RejectedAt = now, LastErrors = errors, Rejected = s.Rejected + 1 };
    }

    public JsonObject GetStatus()
    {
        var s = _state;
        return new JsonObject
        {
            ["file"] = command.ConfigPath,
            ["appliedAt"] = s.AppliedAt,
            ["running"] = s.Summary,
            // Non-empty while the file on disk holds an edit that was refused: the proxy still runs the previous version.
            ["pendingEditErrors"] = StatusJson.Strings(s.LastErrors),
            ["lastRejectedAt"] = s.RejectedAt,
            ["reloadsApplied"] = s.Applied,
            ["reloadsRejected"] = s.Rejected,
            // Keys outside the live sections edited since start: they apply only at the next start.
            ["restartRequired"] = StatusJson.Strings(restartRequired.ChangedKeys),
            // Valid but worth a word: unknown Kestrel keys, a protected route shadowed by a weaker one.
            ["warnings"] = StatusJson.Strings(s.Warnings),
            // Edits since start that weakened a route's access policy or rate limit (applied, and logged as warnings).
            ["loosened"] = StatusJson.Strings(s.Loosened),
        };
    }

    private sealed record Snapshot(
        DateTimeOffset? AppliedAt, string? Summary, int Routes, int Clusters,
        DateTimeOffset? RejectedAt, IReadOnlyList<string> LastErrors, long Applied, long Rejected, IReadOnlyList<string> Warnings)
    {
        public IReadOnlyList<string> Loosened { get; init; } = [];
    }
}
