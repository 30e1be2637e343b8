using EdgeProxy.Common;
using EdgeProxy.Middleware.ClientIp;
using Microsoft.Extensions.Options;

namespace EdgeProxy.ProxyProtocol;

/// <summary>Every listed endpoint exists and speaks TCP, the senders are CIDRs and not left empty, the timeout is sensible.</summary>
internal sealed class ProxyProtocolOptionsValidator(IConfiguration configuration) : IValidateOptions<ProxyProtocolOptions>
{
    // A balancer sends its header at once; a connection waiting for it is not yet counted by the connection limits.
    private static readonly TimeSpan MaxHeaderTimeout = TimeSpan.FromSeconds(30);

    public ValidateOptionsResult Validate(string? name, ProxyProtocolOptions options)
    {
        const string key = ProxyProtocolOptions.SectionName;
        var errors = new List<string>();
        var known = configuration.GetSection(PublicEndpoints.SectionName).GetChildren().Select(e => e.Key).ToList();
        var http3 = PublicEndpoints.Http3Keys(configuration).ToList();
        for (var i = 0; i < options.Endpoints.Count; i++)
        {
            var endpoint = options.Endpoints[i];
            if (!known.Contains(endpoint, StringComparer.OrdinalIgnoreCase))
            {
                errors.Add($"{key}:Endpoints:{i}: '{endpoint}' is not an entry of {PublicEndpoints.SectionName} (known: {(known.Count == 0 ? "none" : string.Join(", ", known))})");
                continue;
            }

            // QUIC's handshake happens before any connection middleware: no header can be read ahead of it.
            foreach (var path in http3.Where(p => p.Equals($"{PublicEndpoints.SectionName}:{endpoint}:Protocols", StringComparison.OrdinalIgnoreCase) || p.StartsWith("Kestrel:EndpointDefaults", StringComparison.OrdinalIgnoreCase)))
            {
                errors.Add($"{key}:Endpoints:{i}: {path} enables HTTP/3, which cannot carry a PROXY header; take Http3 out of it");
            }
        }

        if (options.Endpoints.Count > 0 && options.TrustedSenders.Count == 0)
        {
            errors.Add($"{key}:TrustedSenders: empty while Endpoints lists {string.Join(", ", options.Endpoints)}; name the load balancers' addresses (CIDR), or anyone reaching the port could claim any client address");
        }

        for (var i = 0; i < options.TrustedSenders.Count; i++)
        {
            if (!CidrParser.TryParse(options.TrustedSenders[i], null, out var network, out var error))
            {
                errors.Add($"{key}:TrustedSenders:{i}: {error}");
            }
            else if (network.Cidr == 0)
            {
                errors.Add($"{key}:TrustedSenders:{i}: {options.TrustedSenders[i]} is every address: anyone reaching the port could claim any client address; name the load balancers' addresses");
            }
            else if (network.Network.IsIPv4MappedToIPv6)
            {
                // Mapped peers are judged against IPv4 networks: a mapped range would never match.
                errors.Add($"{key}:TrustedSenders:{i}: {options.TrustedSenders[i]} is an IPv4-mapped IPv6 range; write it as IPv4 (a.b.c.d/n)");
            }
        }

        if (options.HeaderTimeout <= TimeSpan.Zero || options.HeaderTimeout > MaxHeaderTimeout)
        {
            errors.Add($"{key}:HeaderTimeout: {options.HeaderTimeout} must be more than 0 and at most {MaxHeaderTimeout}");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
