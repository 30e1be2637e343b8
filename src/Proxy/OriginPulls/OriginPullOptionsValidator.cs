using Microsoft.Extensions.Options;

namespace EdgeProxy.OriginPulls;

/// <summary>The CA file must hold a root certificate and every fingerprint must be SHA-256 hex (also for <c>--check</c>).</summary>
internal sealed class OriginPullOptionsValidator(IHostEnvironment environment, TimeProvider timeProvider) : IValidateOptions<OriginPullOptions>
{
    public ValidateOptionsResult Validate(string? name, OriginPullOptions options)
    {
        OriginPullTrust.Load(options, environment.ContentRootPath, timeProvider, out var errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
