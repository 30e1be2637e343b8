using System.Text.Json.Nodes;
using EdgeProxy.Common;

namespace EdgeProxy.AccessControl;

/// <summary>The <c>accessControl</c> section of <c>/status</c>: the live policies and rate limits with the routes using them, and each htpasswd file's state.</summary>
internal sealed class AccessControlStatusSection(AccessControlState state, AccessControlCounters counters) : IStatusSection
{
    public string Name => "accessControl";

    public JsonObject GetStatus()
    {
        var snapshot = state.Current;
        var refused = counters.Refused.ToList();
        JsonObject Refused(string name) => new([.. refused.Where(r => r.Policy == name).Select(r => KeyValuePair.Create(r.Reason.Label(), (JsonNode?)r.Count))]);

        var policies = new JsonObject();
        foreach (var (name, policy) in snapshot.Policies.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var entry = new JsonObject
            {
                ["routes"] = StatusJson.Strings(snapshot.PolicyRoutes.GetValueOrDefault(name) ?? []),
                ["allowFrom"] = StatusJson.Strings(policy.Options.AllowFrom),
                ["denyFrom"] = StatusJson.Strings(policy.Options.DenyFrom),
                ["satisfy"] = policy.Options.Satisfy.ToString(),
                ["refused"] = Refused(name),
            };
            if (policy.Options.BasicAuth is { } basic && policy.Users is { } users)
            {
                entry["basicAuth"] = new JsonObject
                {
                    ["realm"] = basic.Realm,
                    ["htpasswdFile"] = users.Path,
                    ["users"] = users.UserCount,
                    ["loadedAt"] = users.LoadedAt,
                    // Set while the file on disk was refused: the last good version is still in use.
                    ["lastError"] = users.LastError,
                    ["lastErrorAt"] = users.LastErrorAt,
                    ["maxFailuresPerMinute"] = basic.MaxFailuresPerMinute,
                    ["forwardCredentials"] = basic.ForwardCredentials,
                    ["lockedOutTracked"] = policy.Guard.TrackedClients,
                };
            }

            policies[name] = entry;
        }

        var rateLimits = new JsonObject();
        foreach (var (name, limit) in snapshot.RateLimits.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            rateLimits[name] = new JsonObject
            {
                ["routes"] = StatusJson.Strings(snapshot.RateLimitRoutes.GetValueOrDefault(name) ?? []),
                ["permitsPerSecond"] = limit.Limiter.PermitsPerSecond,
                ["burst"] = limit.Limiter.Burst,
                ["trackedClients"] = limit.Limiter.TrackedClients,
                ["refused"] = Refused(name),
            };
        }

        return new JsonObject { ["policies"] = policies, ["rateLimits"] = rateLimits };
    }
}
