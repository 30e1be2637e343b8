using Microsoft.Extensions.Options;

namespace EdgeProxy.Ocsp;

internal sealed class OcspOptionsValidator : IValidateOptions<OcspOptions>
{
    public ValidateOptionsResult Validate(string? name, OcspOptions options) =>
        // A zero or negative interval would retry a failing responder without pause.
        options.OcspRetryInterval <= TimeSpan.Zero
            ? ValidateOptionsResult.Fail($"{OcspOptions.SectionName}:OcspRetryInterval must be positive")
            : ValidateOptionsResult.Success;
}
