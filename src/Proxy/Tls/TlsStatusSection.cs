using System.Text.Json.Nodes;
using EdgeProxy.Common;
using Microsoft.Extensions.Options;

namespace EdgeProxy.Tls;

/// <summary>The <c>tls</c> section of <c>/status</c>: the policy, how it is enforced, and every certificate with its expiry.</summary>
internal sealed class TlsStatusSection(IOptions<TlsOptions> options, CertificateInventory certificates, TimeProvider timeProvider) : IStatusSection
{
    public string Name => "tls";

    public JsonObject GetStatus()
    {
        var policy = TlsPolicy.Resolve(options.Value, out _);
        var now = timeProvider.GetUtcNow();
        return new JsonObject
        {
            ["profile"] = options.Value.Profile.ToString(),
            ["protocols"] = StatusJson.Strings(policy?.Protocols),
            ["tls12Suites"] = StatusJson.Strings(policy?.Tls12Suites),
            ["tls13Suites"] = StatusJson.Strings(policy?.Tls13Suites),
            ["groups"] = StatusJson.Strings(TlsPolicy.Groups),
            ["enforcedBy"] = OpenSslTlsPolicy.AppliedFile is { } file
                ? $"OpenSSL system_default from {file}"
                : "not enforced in this process: OpenSSL was initialised before the policy could be applied (embedded or test host)",
            ["certificates"] = StatusJson.Array(certificates.Read(), c => new JsonObject
            {
                ["key"] = c.Key,
                ["path"] = c.Path,
                ["subject"] = c.Subject,
                ["issuer"] = c.Issuer,
                ["names"] = c.Names,
                ["notAfter"] = c.NotAfter,
                ["daysLeft"] = c.NotAfter is { } notAfter ? Math.Floor((notAfter - now).TotalDays) : null,
                ["error"] = c.Error,
            }),
        };
    }
}
