using Microsoft.Extensions.Options;

namespace EdgeProxy.ReverseProxy;

internal sealed class UpstreamOptionsValidator : IValidateOptions<UpstreamOptions>
{
    public ValidateOptionsResult Validate(string? name, UpstreamOptions options)
    {
        var errors = new List<string>();
        if (options.ConnectTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{UpstreamOptions.SectionName}:ConnectTimeout: {options.ConnectTimeout} must be positive");
        }

        if (options.ActivityTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{UpstreamOptions.SectionName}:ActivityTimeout: {options.ActivityTimeout} must be positive");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
