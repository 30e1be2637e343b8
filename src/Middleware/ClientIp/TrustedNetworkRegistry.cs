using Microsoft.Extensions.Options;

namespace EdgeProxy.Middleware.ClientIp;

/// <summary>
/// The live trusted set: Cloudflare's ranges (when trusted) plus the configured networks. Swapped whole on every
/// change, so readers take one volatile read and never lock.
/// </summary>
public sealed class TrustedNetworkRegistry
{
    private readonly IReadOnlyList<TrustedNetwork> _configured;
    private readonly bool _trustCloudflare;
    private volatile TrustedNetworkSet _current;

    public TrustedNetworkRegistry(IOptions<ClientIpOptions> options)
    {
        _trustCloudflare = options.Value.TrustCloudflare;
        _configured = [.. options.Value.TrustedNetworks.Select(ParseConfigured)];
        _current = new TrustedNetworkSet(_configured);
    }

    public TrustedNetworkSet Current => _current;

    /// <summary>Replaces the Cloudflare part of the set; ignored when Cloudflare is not trusted.</summary>
    public void UpdateCloudflare(IEnumerable<IPNetwork2> ranges)
    {
        if (_trustCloudflare)
        {
            _current = new TrustedNetworkSet([.. ranges.Select(r => new TrustedNetwork(r, TrustedNetwork.CloudflareRule)), .. _configured]);
        }
    }

    private static TrustedNetwork ParseConfigured(string text, int index) =>
        CidrParser.TryParse(text, null, out var network, out var error)
            ? new TrustedNetwork(network, TrustedNetwork.ConfiguredRule)
            : throw new OptionsValidationException(ClientIpOptions.SectionName, typeof(ClientIpOptions), [$"{TrustedNetwork.ConfiguredRule}:{index}: {error}"]);
}
