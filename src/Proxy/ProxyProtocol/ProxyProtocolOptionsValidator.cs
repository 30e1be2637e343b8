using EdgeProxy.Common;
using EdgeProxy.Middleware.ClientIp;
using Microsoft.Extensions.Options;

namespace EdgeProxy.ProxyProtocol;

/// <summary>Every listed endpoint exists and speaks TCP, the senders are CIDRs and not left empty, the timeout is sensible.</summary>
internal sealed class ProxyProtocolOptionsValidator(IConfiguration configuration) : IValidateOptions<ProxyProtocolOptions>
{
    private static readonly TimeSpan MaxHeaderTimeout = TimeSpan.FromMinutes(5);

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
            if (!CidrParser.TryParse(options.TrustedSenders[i], null, out _, out var error))
            {
                errors.Add($"{key}:TrustedSenders:{i}: {error}");
            }
        }

        if (options.HeaderTimeout <= TimeSpan.Zero || options.HeaderTimeout > MaxHeaderTimeout)
        {
            errors.Add($"{key}:HeaderTimeout: {options.HeaderTimeout} must be more than 0 and at most {MaxHeaderTimeout}");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
