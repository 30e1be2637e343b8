using System.Net;
using EdgeProxy.Common;
using Microsoft.Extensions.Options;

namespace EdgeProxy.Acme;

/// <summary>Refuses what could only fail at the CA (or worse, succeed in a way nobody meant); every message names its key.</summary>
internal sealed class AcmeOptionsValidator(IHostEnvironment environment, IConfiguration configuration) : IValidateOptions<AcmeOptions>
{
    public ValidateOptionsResult Validate(string? name, AcmeOptions options)
    {
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        var errors = new List<string>();
        var key = AcmeOptions.SectionName;
        if (!options.AcceptTermsOfService)
        {
            errors.Add($"{key}:AcceptTermsOfService: must be true to register an account: read the CA's terms of service (linked from {options.DirectoryUrl}) and set it");
        }

        foreach (var http3 in PublicEndpoints.Http3Keys(configuration))
        {
            // Serving by SNI swaps the certificate in OnAuthenticate, which Kestrel refuses for HTTP/3 at start.
            errors.Add($"{key}:Enabled: {http3} enables HTTP/3, where certificates cannot be chosen per connection; take Http3 out of it or turn ACME off");
        }

        if (UrlProblem(options.DirectoryUrl) is { } directoryProblem)
        {
            errors.Add($"{key}:DirectoryUrl: '{options.DirectoryUrl}' {directoryProblem}");
        }

        if (options.DirectoryTrust is { } trust && !File.Exists(Path.GetFullPath(trust, environment.ContentRootPath)))
        {
            errors.Add($"{key}:DirectoryTrust: '{trust}' does not exist (a PEM file of the CA certificates that sign the directory's TLS certificate)");
        }

        if (options.Email is { } email && (email.Length < 3 || !email.Contains('@', StringComparison.Ordinal) || email.Any(c => char.IsWhiteSpace(c) || c == ',')))
        {
            errors.Add($"{key}:Email: '{email}' is not an e-mail address");
        }

        if (options.RenewBefore is { } renewBefore && renewBefore <= TimeSpan.Zero)
        {
            errors.Add($"{key}:RenewBefore: {renewBefore} must be positive (leave it unset to renew when a third of the lifetime is left)");
        }

        if (options.Dns01 is { } dns)
        {
            ValidateDns01(dns, $"{key}:Dns01", errors);
        }

        var owners = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (certificateName, certificate) in options.Certificates)
        {
            var at = $"{key}:Certificates:{certificateName}";
            if (certificateName.StartsWith('.') || !certificateName.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                // It names the stored files (DataPath/acme/certificates/<name>.pem).
                errors.Add($"{at}: the certificate's name may hold only letters, digits, '-', '_' and '.' (not first)");
            }

            if (certificate.Names.Count == 0)
            {
                errors.Add($"{at}:Names: lists no name");
            }

            for (var i = 0; i < certificate.Names.Count; i++)
            {
                var dnsName = certificate.Names[i];
                if (!AcmeNames.IsDnsName(dnsName))
                {
                    errors.Add($"{at}:Names:{i}: '{dnsName}' is not a DNS name (letters, digits and hyphens in dot-separated labels, at least two labels; '*.' only as the whole first label; no IP addresses)");
                    continue;
                }

                if (AcmeNames.IsWildcard(dnsName) && certificate.Challenge != AcmeChallengeType.Dns01)
                {
                    errors.Add($"{at}:Names:{i}: the wildcard '{dnsName}' can only be proven with Challenge Dns01, not {certificate.Challenge}");
                }

                if (!owners.TryAdd(dnsName, certificateName) && !string.Equals(owners[dnsName], certificateName, StringComparison.OrdinalIgnoreCase))
                {
                    errors.Add($"{at}:Names:{i}: '{dnsName}' is already in certificate '{owners[dnsName]}'; a name is served by one certificate");
                }
            }

            if (certificate.Challenge == AcmeChallengeType.Dns01 && options.Dns01 is null)
            {
                errors.Add($"{at}:Challenge: Dns01 needs {key}:Dns01 (Provider and ApiToken or ApiTokenFile)");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private void ValidateDns01(AcmeDns01Options dns, string at, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(dns.ApiToken) && string.IsNullOrWhiteSpace(dns.ApiTokenFile))
        {
            errors.Add($"{at}:ApiToken: no API token: set ApiToken or ApiTokenFile (a Cloudflare token with Zone:DNS:Edit)");
        }
        else if (!string.IsNullOrWhiteSpace(dns.ApiToken) && !string.IsNullOrWhiteSpace(dns.ApiTokenFile))
        {
            errors.Add($"{at}:ApiTokenFile: set either ApiToken or ApiTokenFile, not both");
        }
        else if (dns.ApiTokenFile is { } file && !string.IsNullOrWhiteSpace(file) && !File.Exists(Path.GetFullPath(file, environment.ContentRootPath)))
        {
            errors.Add($"{at}:ApiTokenFile: '{file}' does not exist");
        }

        if (UrlProblem(dns.ApiUrl) is { } apiProblem)
        {
            errors.Add($"{at}:ApiUrl: '{dns.ApiUrl}' {apiProblem}");
        }

        for (var i = 0; i < dns.Resolvers.Count; i++)
        {
            if (!IPEndPoint.TryParse(dns.Resolvers[i], out _))
            {
                errors.Add($"{at}:Resolvers:{i}: '{dns.Resolvers[i]}' is not an IP address or IP:port");
            }
        }

        if (dns.PropagationTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{at}:PropagationTimeout: {dns.PropagationTimeout} must be positive");
        }
    }

    /// <summary>https, or http on loopback only (a test CA or API stand-in): whoever alters plain http holds the account.</summary>
    private static string? UrlProblem(string url) =>
        !Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp) ? "is not an absolute https:// URL"
        : uri.Scheme == Uri.UriSchemeHttp && !uri.IsLoopback ? "must be https:// (plain http:// only on loopback: 127.0.0.0/8, ::1, localhost)"
        : null;
}
