using Microsoft.Extensions.Options;

namespace EdgeProxy.AccessControl;

/// <summary>Checks one rate limit; <c>name</c> is the limit's name, every message names its key.</summary>
internal sealed class RateLimitOptionsValidator : IValidateOptions<RateLimitOptions>
{
    public ValidateOptionsResult Validate(string? name, RateLimitOptions options)
    {
        var key = $"{RateLimitOptions.SectionName}:{name}";
        var errors = new List<string>();
        if (!(options.PermitsPerSecond > 0) || double.IsInfinity(options.PermitsPerSecond))
        {
            errors.Add($"{key}:PermitsPerSecond must be a positive number");
        }

        if (options.Burst is < 1)
        {
            errors.Add($"{key}:Burst must be at least 1");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
