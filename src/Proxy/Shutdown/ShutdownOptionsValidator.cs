using Microsoft.Extensions.Options;

namespace EdgeProxy.Shutdown;

internal sealed class ShutdownOptionsValidator : IValidateOptions<ShutdownOptions>
{
    public ValidateOptionsResult Validate(string? name, ShutdownOptions options)
    {
        var errors = new List<string>();
        if (options.DrainDelay < TimeSpan.Zero)
        {
            errors.Add($"{ShutdownOptions.SectionName}:DrainDelay: {options.DrainDelay} must not be negative");
        }

        if (options.Timeout < TimeSpan.Zero)
        {
            errors.Add($"{ShutdownOptions.SectionName}:Timeout: {options.Timeout} must not be negative");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
