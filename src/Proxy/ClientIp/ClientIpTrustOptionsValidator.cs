using EdgeProxy.Common;
using EdgeProxy.Middleware.ClientIp;
using Microsoft.Extensions.Options;

namespace EdgeProxy.ClientIp;

/// <summary>Every configured network is a CIDR with an explicit prefix; the lock cannot stand with HTTP/3.</summary>
internal sealed class ClientIpTrustOptionsValidator(IConfiguration configuration) : IValidateOptions<ClientIpTrustOptions>
{
    public ValidateOptionsResult Validate(string? name, ClientIpTrustOptions options)
    {
        var errors = new List<string>();
        const string key = ClientIpTrustOptions.SectionName;
        if (options.RequireTrustedPeer)
        {
            foreach (var http3 in PublicEndpoints.Http3Keys(configuration))
            {
                errors.Add($"{key}:RequireTrustedPeer: {http3} enables HTTP/3, whose QUIC handshake cannot be refused before TLS; take Http3 out of it or turn RequireTrustedPeer off");
            }
        }

        for (var i = 0; i < options.TrustedNetworks.Count; i++)
        {
            if (!CidrParser.TryParse(options.TrustedNetworks[i], null, out _, out var error))
            {
                errors.Add($"{ClientIpTrustOptions.ConfiguredSource}:{i}: {error}");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
