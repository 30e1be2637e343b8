using EdgeProxy.Middleware.Hsts;
using Microsoft.Extensions.Options;

namespace EdgeProxy.Https;

internal sealed class HstsOptionsValidator : IValidateOptions<HstsOptions>
{
    public ValidateOptionsResult Validate(string? name, HstsOptions options)
    {
        var errors = new List<string>();
        const string key = HttpsPolicyExtensions.HstsSectionName;
        if (options.MaxAge < TimeSpan.Zero)
        {
            errors.Add($"{key}:MaxAge must not be negative");
        }

        if (options.Preload && (options.MaxAge < HstsOptions.OneYear || !options.IncludeSubDomains))
        {
            errors.Add($"{key}:Preload needs MaxAge of at least 365 days and IncludeSubDomains=true (the preload list requires both)");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
