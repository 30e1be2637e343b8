using System.Security.Cryptography;
using System.Text.Json.Nodes;
using EdgeProxy.Common;
using Microsoft.Extensions.Options;

namespace EdgeProxy.OriginPulls;

/// <summary>The <c>authenticatedOriginPulls</c> section of <c>/status</c>: the mode, the CA and pins in force, and handshake verdicts.</summary>
internal sealed class OriginPullStatusSection(IOptions<OriginPullOptions> options, OriginPullTrust trust, OriginPullCounters counters) : IStatusSection
{
    public string Name => "authenticatedOriginPulls";

    public JsonObject GetStatus()
    {
        var status = new JsonObject
        {
            ["mode"] = options.Value.Mode.ToString(),
            ["verified"] = counters.Verified,
            ["missing"] = counters.Missing,
            ["refused"] = counters.Refused,
        };
        if (options.Value.Mode != OriginPullMode.Off)
        {
            status["ca"] = trust.CaSource;
            status["authorities"] = StatusJson.Array(trust.Authorities, c => new JsonObject
            {
                ["subject"] = c.Subject,
                ["notAfter"] = c.NotAfter.ToUniversalTime(),
                ["sha256"] = c.GetCertHashString(HashAlgorithmName.SHA256),
            });
            status["allowedCertificates"] = StatusJson.Strings(trust.PinnedFingerprints);
        }

        return status;
    }
}
