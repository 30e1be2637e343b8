using EdgeProxy.Common;
using Microsoft.Extensions.Options;

namespace EdgeProxy.OriginPulls;

/// <summary>
/// The CA file must hold a root certificate, every fingerprint must be SHA-256 hex and come with its CA, and no public
/// endpoint may speak HTTP/3 (also for <c>--check</c>).
/// </summary>
internal sealed class OriginPullOptionsValidator(IConfiguration configuration, IHostEnvironment environment, TimeProvider timeProvider) : IValidateOptions<OriginPullOptions>
{
    public ValidateOptionsResult Validate(string? name, OriginPullOptions options)
    {
        OriginPullTrust.Load(options, environment.ContentRootPath, timeProvider, out var loadErrors);
        var errors = loadErrors.ToList();
        const string key = OriginPullOptions.SectionName;
        if (options.AllowedCertificates.Count > 0 && options.CaPath is null)
        {
            // Cloudflare signs a zone's uploaded certificate with nothing of its own: it chains only to the zone's CA.
            errors.Add($"{key}:AllowedCertificates: pinned certificates are a zone's own, which never chain to Cloudflare's shared CA; set {key}:CaPath to the CA that signed them");
        }

        if (options.Mode != OriginPullMode.Off)
        {
            foreach (var http3 in PublicEndpoints.Http3Keys(configuration))
            {
                errors.Add($"{key}:Mode: {http3} enables HTTP/3, which cannot ask for the client certificate; take Http3 out of it or set Mode to Off");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
