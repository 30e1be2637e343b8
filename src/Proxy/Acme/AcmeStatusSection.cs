using System.Text.Json.Nodes;
using EdgeProxy.Common;
using Microsoft.Extensions.Options;

namespace EdgeProxy.Acme;

/// <summary>The <c>acme</c> section of <c>/status</c>: per certificate its names, challenge, state, dates and last error.</summary>
internal sealed class AcmeStatusSection(AcmeCertificateManager manager, IOptions<AcmeOptions> options, TimeProvider timeProvider) : IStatusSection
{
    public string Name => "acme";

    public JsonObject GetStatus()
    {
        var now = timeProvider.GetUtcNow();
        return new JsonObject
        {
            ["enabled"] = options.Value.Enabled,
            ["directoryUrl"] = options.Value.DirectoryUrl,
            ["ordersSucceeded"] = manager.Successes,
            ["ordersFailed"] = manager.Failures,
            ["certificates"] = StatusJson.Array(manager.Snapshot(), c => new JsonObject
            {
                ["name"] = c.Name,
                ["names"] = StatusJson.Strings(c.Names),
                ["challenge"] = c.Challenge.ToString(),
                ["keyType"] = c.KeyType.ToString(),
                ["state"] = c.State,
                ["notBefore"] = c.NotBefore,
                ["notAfter"] = c.NotAfter,
                ["expired"] = c.NotAfter is { } notAfter && notAfter <= now,
                ["serialNumber"] = c.SerialNumber,
                ["nextRenewal"] = c.NextRenewalAt,
                ["lastAttemptAt"] = c.LastAttemptAt,
                ["lastSuccessAt"] = c.LastSuccessAt,
                ["lastError"] = c.LastError,
                ["consecutiveFailures"] = c.ConsecutiveFailures,
            }),
        };
    }
}
