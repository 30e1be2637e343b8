using System.Text.Json.Nodes;
using EdgeProxy.Common;
using EdgeProxy.Middleware.ClientIp;

namespace EdgeProxy.Admin.StatusPage;

/// <summary>
/// The <c>trust</c> section of <c>/status</c>: the live trusted networks with the source that put each there, and what
/// the client-IP middleware restored and refused. (The Cloudflare list's origin and age are in the <c>cloudflare</c> section.)
/// </summary>
internal sealed class TrustStatusSection(TrustedNetworkRegistry registry, ClientIpCounters counters) : IStatusSection
{
    public string Name => "trust";

    public JsonObject GetStatus()
    {
        var set = registry.Current;
        return new JsonObject
        {
            ["count"] = set.Count,
            ["networks"] = StatusJson.Array(set.Networks, n => new JsonObject
            {
                ["network"] = n.Network.ToString(),
                ["source"] = n.Source,
            }),
            ["restored"] = counters.Restored,
            ["untrustedHeader"] = counters.UntrustedHeader,
            ["malformedHeader"] = counters.MalformedHeader,
            ["workerRefused"] = counters.WorkerRefused,
            ["lockedOut"] = counters.LockedOut,
        };
    }
}
