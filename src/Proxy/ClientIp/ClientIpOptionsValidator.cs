using EdgeProxy.Middleware.ClientIp;
using Microsoft.Extensions.Options;
using EdgeProxy.Common;

namespace EdgeProxy.ClientIp;

internal sealed class ClientIpOptionsValidator(IConfiguration configuration) : IValidateOptions<ClientIpOptions>
{
    public ValidateOptionsResult Validate(string? name, ClientIpOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Header))
        {
            errors.Add($"{ClientIpOptions.SectionName}:Header must name a header");
        }

        if (string.IsNullOrWhiteSpace(options.WorkerHeader))
        {
            errors.Add($"{ClientIpOptions.SectionName}:WorkerHeader must name a header");
        }

        for (var i = 0; i < options.WorkerZones.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(options.WorkerZones[i]) || options.WorkerZones[i].Trim() != options.WorkerZones[i] || options.WorkerZones[i].Contains('/'))
            {
                errors.Add($"{ClientIpOptions.SectionName}:WorkerZones:{i}: '{options.WorkerZones[i]}' is not a zone name (write it as example.com)");
            }
        }

        if (options.RequireTrustedPeer)
        {
            foreach (var key in PublicEndpoints.Http3Keys(configuration))
            {
                errors.Add($"{ClientIpOptions.SectionName}:RequireTrustedPeer: {key} enables HTTP/3, whose QUIC handshake cannot be refused before TLS; take Http3 out of it or turn RequireTrustedPeer off");
            }
        }

        for (var i = 0; i < options.TrustedNetworks.Count; i++)
        {
            if (!CidrParser.TryParse(options.TrustedNetworks[i], null, out _, out var error))
            {
                errors.Add($"{ClientIpOptions.SectionName}:TrustedNetworks:{i}: {error}");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
