using EdgeProxy.Common;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace EdgeProxy.Hosting;

/// <summary>
/// <c>Kestrel:Limits</c>, which Kestrel itself does not read from configuration here: the edge values of
/// <see cref="ConfigurationExtensions.EdgeLimits"/>, each overridden by the file. Read key by key because
/// <see cref="MinDataRate"/> has no setters a binder could use.
/// </summary>
internal sealed class KestrelLimitsSetup(IConfiguration configuration) : IConfigureOptions<KestrelServerOptions>
{
    public const string SectionName = "Kestrel:Limits";

    public void Configure(KestrelServerOptions options)
    {
        var section = configuration.GetSection(SectionName);
        var limits = options.Limits;
        limits.RequestHeadersTimeout = section.GetValue("RequestHeadersTimeout", limits.RequestHeadersTimeout);
        limits.KeepAliveTimeout = section.GetValue("KeepAliveTimeout", limits.KeepAliveTimeout);
        limits.MaxRequestHeadersTotalSize = section.GetValue("MaxRequestHeadersTotalSize", limits.MaxRequestHeadersTotalSize);
        limits.MaxRequestHeaderCount = section.GetValue("MaxRequestHeaderCount", limits.MaxRequestHeaderCount);
        limits.MaxRequestLineSize = section.GetValue("MaxRequestLineSize", limits.MaxRequestLineSize);
        limits.MaxRequestBodySize = section.GetValue("MaxRequestBodySize", limits.MaxRequestBodySize);
        // MaxConcurrentConnections is enforced by IdleConnectionReclaimer on the public listeners, which closes idle
        // connections to admit new ones where Kestrel would refuse every new connection.
        limits.MaxConcurrentUpgradedConnections = section.GetValue("MaxConcurrentUpgradedConnections", limits.MaxConcurrentUpgradedConnections);
        limits.Http2.MaxStreamsPerConnection = section.GetValue("Http2:MaxStreamsPerConnection", limits.Http2.MaxStreamsPerConnection);
        if (section.GetSection("MinRequestBodyDataRate").Exists())
        {
            limits.MinRequestBodyDataRate = new MinDataRate(
                section.GetValue("MinRequestBodyDataRate:BytesPerSecond", limits.MinRequestBodyDataRate?.BytesPerSecond ?? 240),
                section.GetValue("MinRequestBodyDataRate:GracePeriod", limits.MinRequestBodyDataRate?.GracePeriod ?? TimeSpan.FromSeconds(5)));
        }
    }
}
