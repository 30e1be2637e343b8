using System.Text.Json.Nodes;
using EdgeProxy.Common;

namespace EdgeProxy.ProxyProtocol;

/// <summary>The <c>proxyProtocol</c> section of <c>/status</c>: per public endpoint, whether it expects a header, from whom, and what came.</summary>
internal sealed class ProxyProtocolStatusSection(IConfiguration configuration, ProxyProtocolListeners listeners) : IStatusSection
{
    public string Name => "proxyProtocol";

    public JsonObject GetStatus()
    {
        var endpoints = new JsonObject();
        foreach (var endpoint in configuration.GetSection(PublicEndpoints.SectionName).GetChildren())
        {
            var counters = listeners.For(endpoint.Key);
            var entry = new JsonObject { ["expected"] = counters is not null };
            if (counters is not null)
            {
                entry["trustedSenders"] = new JsonArray([.. listeners.TrustedSenderTexts.Select(s => JsonValue.Create(s))]);
                entry["headerTimeout"] = listeners.HeaderTimeout.ToString("c");
                entry["accepted"] = counters.Accepted;
                var refused = new JsonObject();
                foreach (var reason in Enum.GetValues<ProxyProtocolRefusal>())
                {
                    refused[ProxyProtocolCounters.Label(reason)] = counters.Refused(reason);
                }

                entry["refused"] = refused;
            }

            endpoints[endpoint.Key] = entry;
        }

        return new JsonObject { ["endpoints"] = endpoints };
    }
}
