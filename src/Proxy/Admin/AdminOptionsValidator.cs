using EdgeProxy.Middleware.ClientIp;
using Microsoft.Extensions.Options;

namespace EdgeProxy.Admin;

internal sealed class AdminOptionsValidator : IValidateOptions<AdminOptions>
{
    public ValidateOptionsResult Validate(string? name, AdminOptions options)
    {
        var errors = new List<string>();
        if (AdminOptions.ValidateUrl(options.Url) is { } urlError)
        {
            errors.Add(urlError);
        }

        for (var i = 0; i < options.AllowFrom.Count; i++)
        {
            if (!CidrParser.TryParse(options.AllowFrom[i], null, out _, out var error))
            {
                errors.Add($"{AdminOptions.SectionName}:AllowFrom:{i}: {error}");
            }
        }

        if (options.Token is { } token && (token.Trim().Length < AdminOptions.MinimumTokenLength || token.Trim() != token))
        {
            errors.Add($"{AdminOptions.SectionName}:Token must be at least {AdminOptions.MinimumTokenLength} characters, without surrounding spaces (e.g. the output of 'openssl rand -hex 32')");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
