using Microsoft.Extensions.Options;

namespace EdgeProxy.Tls;

internal sealed class TlsOptionsValidator : IValidateOptions<TlsOptions>
{
    public ValidateOptionsResult Validate(string? name, TlsOptions options) =>
        TlsPolicy.Resolve(options, out var errors) is null ? ValidateOptionsResult.Fail(errors) : ValidateOptionsResult.Success;
}
