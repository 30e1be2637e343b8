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
}
