using EdgeProxy.Middleware.ClientIp;
using Microsoft.Extensions.Options;

namespace EdgeProxy.Cloudflare;

internal sealed class CloudflareOptionsValidator : IValidateOptions<CloudflareOptions>
{
    public ValidateOptionsResult Validate(string? name, CloudflareOptions options)
    {
        var errors = new List<string>();
        var key = CloudflareOptions.SectionName;
        for (var i = 0; i < options.Sources.Count; i++)
        {
            if (!Uri.TryCreate(options.Sources[i], UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            {
                errors.Add($"{key}:Sources:{i}: '{options.Sources[i]}' is not an absolute http(s) URL");
            }
            else if (uri.Scheme == Uri.UriSchemeHttp && !IsLoopbackHost(uri))
            {
                // Whoever can alter a plain-http answer on the way decides whom we trust.
                errors.Add($"{key}:Sources:{i}: '{options.Sources[i]}' must be https:// (plain http:// only for a loopback mirror: 127.0.0.0/8, ::1, localhost)");
            }
        }

        for (var i = 0; i < options.ForbiddenRanges.Count; i++)
        {
            if (!CidrParser.TryParse(options.ForbiddenRanges[i], null, out _, out var error))
            {
                errors.Add($"{key}:ForbiddenRanges:{i}: {error}");
            }
        }

        if (options.FailReadinessWhenOlderThan is { } limit && limit <= TimeSpan.Zero)
        {
            errors.Add($"{key}:FailReadinessWhenOlderThan: {limit} must be positive (leave it unset to never fail readiness on age)");
        }

        if (options.MaxGrowthPercent < 0)
        {
            errors.Add($"{key}:MaxGrowthPercent: {options.MaxGrowthPercent} must be 0 or more");
        }

        if (options.RefreshInterval < TimeSpan.FromMinutes(1))
        {
            errors.Add($"{key}:RefreshInterval: {options.RefreshInterval} is shorter than a minute");
        }

        if (options.MinRetryInterval <= TimeSpan.Zero || options.MinRetryInterval > options.RefreshInterval)
        {
            errors.Add($"{key}:MinRetryInterval: {options.MinRetryInterval} must be positive and at most RefreshInterval");
        }

        if (options.Timeout <= TimeSpan.Zero)
        {
            errors.Add($"{key}:Timeout: {options.Timeout} must be positive");
        }

        if (options.MaxShrinkPercent is < 0 or > 100)
        {
            errors.Add($"{key}:MaxShrinkPercent: {options.MaxShrinkPercent} must be between 0 and 100");
        }

        if (string.IsNullOrWhiteSpace(options.CacheFile))
        {
            errors.Add($"{key}:CacheFile must not be empty");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>A literal loopback address or the name <c>localhost</c>; other names are not resolved here.</summary>
    internal static bool IsLoopbackHost(Uri uri) => uri.HostNameType switch
    {
        UriHostNameType.IPv4 or UriHostNameType.IPv6 => IPAddress.TryParse(uri.DnsSafeHost, out var address) && IPAddress.IsLoopback(address),
        UriHostNameType.Dns => string.Equals(uri.DnsSafeHost, "localhost", StringComparison.OrdinalIgnoreCase),
        _ => false,
    };
}
