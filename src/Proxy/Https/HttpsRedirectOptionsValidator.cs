using EdgeProxy.Middleware.HttpsRedirect;
using Microsoft.Extensions.Options;

namespace EdgeProxy.Https;

internal sealed class HttpsRedirectOptionsValidator : IValidateOptions<HttpsRedirectOptions>
{
    public ValidateOptionsResult Validate(string? name, HttpsRedirectOptions options) =>
        options.HttpsPort is null or > 0 and <= 65535
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail("EdgeProxy:HttpsPort must be a port number (1-65535)");
}
