using System.Text.Json.Nodes;
using EdgeProxy.Common;

namespace EdgeProxy.Ocsp;

/// <summary>The <c>ocsp</c> section of <c>/status</c>: per certificate, what is stapled and why (not).</summary>
internal sealed class OcspStatusSection(OcspStapler stapler, TimeProvider timeProvider) : IStatusSection
{
    public string Name => "ocsp";

    public JsonObject GetStatus()
    {
        var now = timeProvider.GetUtcNow();
        return new JsonObject
        {
            ["mode"] = stapler.Mode.ToString(),
            ["certificates"] = StatusJson.Array(stapler.Certificates, c =>
            {
                var s = c.State;
                return new JsonObject
                {
                    ["key"] = c.Key,
                    ["subject"] = c.Leaf.Subject,
                    ["responder"] = c.ResponderUrl,
                    ["mustStaple"] = c.MustStaple,
                    ["state"] = OcspMetrics.StateLabel(s.Kind),
                    ["thisUpdate"] = s.ThisUpdate,
                    ["nextUpdate"] = s.NextUpdate,
                    ["secondsUntilExpiry"] = s.NextUpdate is { } next ? Math.Round((next - now).TotalSeconds) : null,
                    ["revokedAt"] = s.RevokedAt,
                    ["failingSince"] = s.FailingSince,
                    ["lastError"] = s.LastError,
                    ["handedToTlsAt"] = s.HandedToTlsAt,
                    ["reason"] = s.Reason,
                };
            }),
        };
    }
}
