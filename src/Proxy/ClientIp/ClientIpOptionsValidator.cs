using EdgeProxy.Middleware.ClientIp;
using Microsoft.Extensions.Options;

namespace EdgeProxy.ClientIp;

/// <summary>The header names and Worker zones of <c>EdgeProxy:ClientIp</c>.</summary>
internal sealed class ClientIpOptionsValidator : IValidateOptions<ClientIpOptions>
{
    public ValidateOptionsResult Validate(string? name, ClientIpOptions options)
    {
        var errors = new List<string>();
        const string key = ClientIpTrustOptions.SectionName;
        if (string.IsNullOrWhiteSpace(options.Header))
        {
            errors.Add($"{key}:Header must name a header");
        }

        if (string.IsNullOrWhiteSpace(options.WorkerHeader))
        {
            errors.Add($"{key}:WorkerHeader must name a header");
        }

        if (options.TrustedPeerHeaderPrefix is { } prefix && string.IsNullOrWhiteSpace(prefix))
        {
            errors.Add($"{key}:TrustedPeerHeaderPrefix must not be empty (it would stop dropping Cloudflare's headers from untrusted peers)");
        }

        for (var i = 0; i < options.WorkerZones.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(options.WorkerZones[i]) || options.WorkerZones[i].Trim() != options.WorkerZones[i] || options.WorkerZones[i].Contains('/'))
            {
                errors.Add($"{key}:WorkerZones:{i}: '{options.WorkerZones[i]}' is not a zone name (write it as example.com)");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
