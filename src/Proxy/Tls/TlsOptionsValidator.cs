using Microsoft.Extensions.Options;

namespace EdgeProxy.Tls;

internal sealed class TlsOptionsValidator : IValidateOptions<TlsOptions>
{
    public ValidateOptionsResult Validate(string? name, TlsOptions options)
    {
        TlsPolicy.Resolve(options, out var errors);
        if (options.CertificateCheckInterval <= TimeSpan.Zero)
        {
            errors = [.. errors, $"{TlsOptions.SectionName}:CertificateCheckInterval must be positive"];
        }

        return errors.Count > 0 ? ValidateOptionsResult.Fail(errors) : ValidateOptionsResult.Success;
    }
}
